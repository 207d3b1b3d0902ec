package cli

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Audit listing bounds.
const (
	// DefaultAuditLimit is how many events `lockbox audit` shows unless
	// told otherwise.
	DefaultAuditLimit = 100
	// auditPage is the most events asked for in one request (the store's
	// page limit).
	auditPage = store.MaxPageSize
)

// AuditOptions are the flags of `lockbox audit`.
type AuditOptions struct {
	Tenant string
	// Logins reads the chain of agent logins and logouts instead of a
	// tenant's.
	Logins bool
	// Since is an RFC 3339 time or a duration back from now ("24h").
	Since string
	// Limit is the most events to show, at least 1 (the flag's default
	// is DefaultAuditLimit).
	Limit int
	JSON  bool
}

// eventPage is the API's answer to an audit query. Events stay raw so
// --json prints them exactly as the API sent them.
type eventPage struct {
	Events    []json.RawMessage `json:"events"`
	NextAfter int64             `json:"next_after,omitempty"`
}

// eventQuery selects events to read.
type eventQuery struct {
	since time.Time
	after int64
	limit int
}

// Audit prints the tenant's audit events in order.
func (c *Client) Audit(o AuditOptions) error {
	path, err := auditPath(o)
	if err != nil {
		return err
	}
	if o.Limit < 1 {
		return Usagef("--limit must be at least 1")
	}
	since, err := ParseSince(o.Since, c.now())
	if err != nil {
		return err
	}
	q := eventQuery{since: since, limit: o.Limit}
	page, err := c.readEvents(path, q)
	if err != nil {
		return err
	}
	if o.JSON {
		return c.printEventPage(page)
	}
	name := o.Tenant
	if o.Logins {
		name = "logins"
	}
	return c.eventTable(name, page, q)
}

// readEvents reads up to q.limit events after q.after, a page at a time.
// It is also the building block for following a chain: call it again
// with after set to the last seq seen.
func (c *Client) readEvents(path string, q eventQuery) (eventPage, error) {
	all := eventPage{Events: []json.RawMessage{}}
	after := q.after
	for len(all.Events) < q.limit {
		v := url.Values{"limit": {strconv.Itoa(min(q.limit-len(all.Events), auditPage))}}
		if after > 0 {
			v.Set("after", strconv.FormatInt(after, 10))
		}
		if !q.since.IsZero() {
			v.Set("since", q.since.UTC().Format(time.RFC3339Nano))
		}
		var p eventPage
		if _, err := c.get(path+query(v), &p); err != nil {
			return all, err
		}
		all.Events = append(all.Events, p.Events...)
		all.NextAfter = p.NextAfter
		if p.NextAfter == 0 || len(p.Events) == 0 {
			break
		}
		after = p.NextAfter
	}
	return all, nil
}

// printEventPage prints the events read, in the shape of one API answer.
func (c *Client) printEventPage(p eventPage) error {
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return c.printJSON(raw)
}

func (c *Client) eventTable(tenantID string, p eventPage, q eventQuery) error {
	if len(p.Events) == 0 {
		return c.noEvents(tenantID, q.since)
	}
	rows, err := eventRows(p.Events, true, p.NextAfter == 0)
	if err != nil {
		return err
	}
	t := newTable(c.Out, eventHeaders...)
	for _, r := range rows {
		t.row(r...)
	}
	if err := t.flush(); err != nil {
		return err
	}
	if p.NextAfter != 0 {
		fmt.Fprintf(c.Out, "(stopped at %d events; more may follow: narrow with --since or raise --limit)\n", q.limit)
	}
	return nil
}

// eventHeaders are the audit table's columns.
var eventHeaders = []string{"SEQ", "TIME", "TYPE", "ACTOR", "GRANT", "DETAILS"}

// eventRows are the audit table's cells of events. With notes, an
// http.started event whose outcome is not among them says so (complete:
// the events reach the end of the chain); a follower leaves that out, as
// the outcome may come with its next poll.
func eventRows(raw []json.RawMessage, notes, complete bool) ([][]string, error) {
	events := make([]store.Event, len(raw))
	for i, r := range raw {
		if err := json.Unmarshal(r, &events[i]); err != nil {
			return nil, fmt.Errorf("the admin API sent an audit event that is not Lockbox JSON (event %d of the answer): %v", i+1, err)
		}
	}
	var done map[string]bool
	if notes {
		done = outcomes(events)
	}
	rows := make([][]string, 0, len(events))
	for _, e := range events {
		details := Details(e)
		if notes {
			details = outcomeNote(e, done, complete) + details
		}
		rows = append(rows, []string{strconv.FormatInt(e.Seq, 10), Timestamp(e.Time), cell(e.Type, maxCell),
			cell(eventActor(e.Actor), maxCell), cell(e.Grant, maxCell), cell(details, maxDetails)})
	}
	return rows, nil
}

// eventActor names who acted for people: an agent by email (its IdP
// subject is opaque; --json has both), anyone else as actor does.
func eventActor(a *store.Actor) string {
	if a != nil && a.Email != "" && strings.HasPrefix(a.ID, "agent:") {
		return a.Email
	}
	return actor(a)
}

func (c *Client) noEvents(tenantID string, since time.Time) error {
	if since.IsZero() {
		_, err := fmt.Fprintf(c.Out, "Tenant %s has no audit events.\n", tenantID)
		return err
	}
	_, err := fmt.Fprintf(c.Out, "Tenant %s has no audit events since %s.\n", tenantID, Timestamp(since))
	return err
}

// auditPath is the API path of the chain o names: a tenant's, or with
// Logins the agent logins chain.
func auditPath(o AuditOptions) (string, error) {
	if !o.Logins {
		return tenantPath(o.Tenant, "audit")
	}
	if o.Tenant != "" {
		return "", Usagef("--logins and --tenant name different chains; give one")
	}
	return apiBase + "/logins/audit", nil
}
