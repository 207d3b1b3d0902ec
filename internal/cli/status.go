package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/health"
)

// StatusOptions are the flags of `lockbox status`.
type StatusOptions struct {
	JSON bool
}

// ErrNotReady is returned by Status when agents would be refused, so the
// command exits non-zero after printing the report.
var ErrNotReady = errors.New("not ready: agents would be refused")

// Status prints the instance's health report. The admin API answers 503
// with the report when agents would be refused; that is printed too.
func (c *Client) Status(o StatusOptions) error {
	status, raw, err := c.Send(http.MethodGet, apiBase+"/health", nil)
	if err != nil {
		return err
	}
	var r health.Report
	if (status != http.StatusOK && status != http.StatusServiceUnavailable) || json.Unmarshal(raw, &r) != nil || r.Status == "" {
		return ParseError(status, raw)
	}
	if o.JSON {
		err = c.printJSON(raw)
	} else {
		err = c.statusText(r)
	}
	if err == nil && !r.Ready {
		err = ErrNotReady
	}
	return err
}

func (c *Client) statusText(r health.Report) error {
	verdict := "Lockbox is ready"
	if !r.Ready {
		verdict = "Lockbox is NOT ready"
	}
	fmt.Fprintf(c.Out, "%s (%s)\n", verdict, r.Status)
	t := newTable(c.Out)
	t.row("  store", storeLine(r.Store))
	t.row("  change feed", feedLine(r.ChangeFeed))
	t.row("  audit queue", fmt.Sprintf("%d waiting (room for %d)", r.Audit.Queued, r.Audit.Capacity))
	t.row("  outbox", outboxLine(r.Outbox))
	t.row("  signing key", keyLine(r.Keys))
	if err := t.flush(); err != nil {
		return err
	}
	for _, p := range r.Problems {
		if _, err := fmt.Fprintf(c.Out, "  ! %s\n", cell(p, maxDetails)); err != nil {
			return err
		}
	}
	return nil
}

func storeLine(s health.StoreReport) string {
	if !s.Reachable {
		return cell(s.Backend+", unreachable: "+s.Error, maxDetails)
	}
	return fmt.Sprintf("%s, reachable in %.1f ms", cell(s.Backend, maxCell), s.LatencyMS)
}

func feedLine(f health.FeedReport) string {
	switch {
	case !f.Followed:
		return "not followed (no site uses Lockbox yet)"
	case f.Fresh:
		return fmt.Sprintf("heard %.1fs ago", f.AgeSeconds)
	}
	return fmt.Sprintf("SILENT for %.1fs", f.AgeSeconds)
}

func outboxLine(b []health.Backlog) string {
	if len(b) == 0 {
		return "-"
	}
	var parts []string
	for _, n := range b {
		parts = append(parts, fmt.Sprintf("%s %s %d", cell(n.Channel, 20), cell(n.State, 20), n.Count))
	}
	return strings.Join(parts, ", ")
}

func keyLine(k health.KeyReport) string {
	switch k.State {
	case "loaded":
		return fmt.Sprintf("loaded from the %s (kid %s)", cell(k.Source, 20), cell(k.ID, maxCell))
	case "unknown":
		return "unknown until the store answers"
	}
	return cell("unavailable: "+k.Error, maxDetails)
}
