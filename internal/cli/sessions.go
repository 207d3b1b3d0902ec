package cli

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// DefaultSessionLimit is how many sessions `lockbox sessions` shows
// unless told otherwise.
const DefaultSessionLimit = 100

// SessionsOptions are the flags of `lockbox sessions`.
type SessionsOptions struct {
	Tenant string
	// Limit is the most sessions to show, newest first: 1 to
	// store.MaxPageSize.
	Limit int
	JSON  bool
}

// sessionList is the API's answer.
type sessionList struct {
	Sessions   []store.Session `json:"sessions"`
	NextCursor string          `json:"next_cursor,omitempty"`
}

// Sessions prints the tenant's impersonation sessions, newest first.
func (c *Client) Sessions(o SessionsOptions) error {
	path, err := tenantPath(o.Tenant, "sessions")
	if err != nil {
		return err
	}
	if o.Limit < 1 || o.Limit > store.MaxPageSize {
		return Usagef("--limit must be from 1 to %d", store.MaxPageSize)
	}
	var resp sessionList
	raw, err := c.get(path+query(url.Values{"limit": {strconv.Itoa(o.Limit)}}), &resp)
	if err != nil {
		return err
	}
	if o.JSON {
		return c.printJSON(raw)
	}
	if len(resp.Sessions) == 0 {
		_, err := fmt.Fprintf(c.Out, "Tenant %s has no impersonation sessions.\n", o.Tenant)
		return err
	}
	if err := c.sessionTable(resp.Sessions); err != nil {
		return err
	}
	if resp.NextCursor != "" {
		fmt.Fprintf(c.Out, "(only the %d newest sessions are shown; raise --limit for more)\n", o.Limit)
	}
	return nil
}

func (c *Client) sessionTable(ss []store.Session) error {
	t := newTable(c.Out, "SESSION", "AGENT", "STARTED", "ENDED", "REASON", "REQUESTS")
	for _, s := range ss {
		t.row(cell(s.ID, maxCell), cell(agentName(s.Agent), maxCell), Timestamp(s.StartedAt), sessionEnded(s),
			cell(sessionReason(s), maxCell), sessionRequests(s))
	}
	return t.flush()
}

// sessionRequests counts a session's requests, naming the refused ones
// among them: "12" or "12, 2 refused".
func sessionRequests(s store.Session) string {
	n := strconv.FormatInt(s.Requests, 10)
	if s.Refused > 0 {
		n += ", " + strconv.FormatInt(s.Refused, 10) + " refused"
	}
	return n
}

// agentName is the agent's email, or its subject when it has none.
func agentName(a store.Agent) string {
	if a.Email != "" {
		return a.Email
	}
	return a.Subject
}

// sessionEnded is when the session ended, or "active".
func sessionEnded(s store.Session) string {
	if !s.Ended() {
		return "active"
	}
	return Timestamp(*s.EndedAt)
}

// sessionReason says why the session ended, and marks break-glass entries.
func sessionReason(s store.Session) string {
	var parts []string
	if s.EndReason != "" {
		parts = append(parts, s.EndReason)
	}
	if s.BreakGlass {
		parts = append(parts, "break-glass")
	}
	return strings.Join(parts, ", ")
}
