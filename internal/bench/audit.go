package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

const (
	// httpRequestEvent is the audit event of one proxied agent request.
	httpRequestEvent = "http.request"
	// auditPageSize is the most events the admin API returns at once.
	auditPageSize = 1000
	// auditTimeout bounds waiting for the audit writer to catch up.
	auditTimeout = 2 * time.Minute
	// auditQuiet is how long the trail must stay still before waiting
	// ends short of the expected count.
	auditQuiet = 5 * time.Second
	// auditSettled is how long it must stay still once the expected count
	// is reached, so events of requests wrk left in flight arrive too.
	auditSettled = time.Second
)

// auditTally follows a tenant's audit trail through the admin API,
// reading each event once, to learn when the background audit writer has
// caught up after a run.
type auditTally struct {
	base     string // admin API URL of the tenant's audit
	client   *http.Client
	lastSeq  int64
	requests int64
}

func newAuditTally(admin, tenant string) *auditTally {
	return &auditTally{
		base:   "http://" + admin + "/lockbox/tenants/" + url.PathEscape(tenant) + "/audit",
		client: &http.Client{Timeout: requestTimeout},
	}
}

// eventTypes is the part of an audit page the tally reads.
type eventTypes struct {
	Events []struct {
		Seq  int64  `json:"seq"`
		Type string `json:"type"`
	} `json:"events"`
}

// catchUp reads every event after the last one seen and reports how many
// it read.
func (a *auditTally) catchUp(ctx context.Context) (int, error) {
	read := 0
	for {
		page, err := a.page(ctx)
		if err != nil {
			return read, err
		}
		for _, e := range page.Events {
			a.lastSeq = e.Seq
			if e.Type == httpRequestEvent {
				a.requests++
			}
		}
		read += len(page.Events)
		if len(page.Events) < auditPageSize {
			return read, nil
		}
	}
}

// page reads the next page of events.
func (a *auditTally) page(ctx context.Context) (eventTypes, error) {
	q := url.Values{"after": {strconv.FormatInt(a.lastSeq, 10)}, "limit": {strconv.Itoa(auditPageSize)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+"?"+q.Encode(), nil)
	if err != nil {
		return eventTypes{}, err
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return eventTypes{}, fmt.Errorf("reading the audit trail: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return eventTypes{}, fmt.Errorf("reading the audit trail: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		return eventTypes{}, fmt.Errorf("reading the audit trail: status %d: %s", resp.StatusCode, bytes.TrimSpace(body))
	}
	var page eventTypes
	if err := json.Unmarshal(body, &page); err != nil {
		return eventTypes{}, fmt.Errorf("reading the audit trail: %v", err)
	}
	return page, nil
}

// settle waits until the trail holds want http.request events and has
// been still for auditSettled, or has been still for auditQuiet short of
// want, within auditTimeout.
func (a *auditTally) settle(ctx context.Context, want int64) error {
	ctx, cancel := context.WithTimeout(ctx, auditTimeout)
	defer cancel()
	lastChange := time.Now()
	for {
		n, err := a.catchUp(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			lastChange = time.Now()
		}
		quiet := auditQuiet
		if a.requests >= want {
			quiet = auditSettled
		}
		if time.Since(lastChange) >= quiet {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the audit trail was still growing after %s", auditTimeout)
		case <-time.After(4 * pollInterval):
		}
	}
}

// countRequests counts the http.request events in the output of
// `lockbox audit --json`.
func countRequests(out []byte) (int64, error) {
	var page eventTypes
	if err := json.Unmarshal(out, &page); err != nil {
		return 0, fmt.Errorf("lockbox audit --json printed something other than an audit page: %v", err)
	}
	var n int64
	for _, e := range page.Events {
		if e.Type == httpRequestEvent {
			n++
		}
	}
	return n, nil
}

// auditCheck is the outcome of comparing the audit with wrk's counts.
type auditCheck struct {
	// Audited is the number of http.request events the CLI lists.
	Audited int64
	// Sent is how many agent requests completed: wrk's counts over every
	// agent run, warm-up included, plus the path check.
	Sent int64
}

// met reports whether every completed agent request was audited. The
// audit may hold a few more: requests wrk left in flight when it stopped.
func (c auditCheck) met() bool { return c.Audited >= c.Sent }

// write prints the check.
func (c auditCheck) write(w io.Writer) {
	verdict := "none lost"
	if !c.met() {
		verdict = fmt.Sprintf("NOT met: %s missing", formatCount(float64(c.Sent-c.Audited)))
	}
	fmt.Fprintf(w, "  every agent request audited: %s http.request events (lockbox audit --tenant %s --json) for %s completed agent requests, %s\n",
		formatCount(float64(c.Audited)), tenantID, formatCount(float64(c.Sent)), verdict)
}
