package cli

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// DefaultRequestLimit is how many access requests `lockbox requests`
// shows unless told otherwise.
const DefaultRequestLimit = 100

// maxReasonCell clips a request's reason in the table; --json has it whole.
const maxReasonCell = 40

// RequestsOptions are the flags of `lockbox requests`.
type RequestsOptions struct {
	Tenant string
	// State, when set, lists only requests in that state: pending,
	// approved, denied or expired.
	State string
	// Limit is the most requests to show, newest first: 1 to
	// store.MaxPageSize.
	Limit int
	JSON  bool
}

// requestList is the API's answer.
type requestList struct {
	Requests []request.Request `json:"requests"`
}

// Requests prints the tenant's access requests, newest first.
func (c *Client) Requests(o RequestsOptions) error {
	path, err := tenantPath(o.Tenant, "requests")
	if err != nil {
		return err
	}
	if err := checkRequests(o); err != nil {
		return err
	}
	q := url.Values{"limit": {strconv.Itoa(o.Limit)}}
	if o.State != "" {
		q.Set("state", o.State)
	}
	var resp requestList
	raw, err := c.get(path+query(q), &resp)
	if err != nil {
		return err
	}
	if o.JSON {
		return c.printJSON(raw)
	}
	if len(resp.Requests) == 0 {
		_, err := fmt.Fprintf(c.Out, "Tenant %s has no %saccess requests.\n", o.Tenant, stateWord(o.State))
		return err
	}
	if err := c.requestTable(resp.Requests); err != nil {
		return err
	}
	if len(resp.Requests) == o.Limit {
		fmt.Fprintf(c.Out, "(only the %d newest %srequests are shown; raise --limit for more)\n", o.Limit, stateWord(o.State))
	}
	return nil
}

func checkRequests(o RequestsOptions) error {
	if o.State != "" && !slices.Contains(request.States, o.State) {
		return Usagef("invalid --state %q: use %s", OneLine(o.State, 40), strings.Join(request.States, ", "))
	}
	if o.Limit < 1 || o.Limit > store.MaxPageSize {
		return Usagef("--limit must be from 1 to %d", store.MaxPageSize)
	}
	return nil
}

// stateWord is "pending " for a state filter, "" without one.
func stateWord(state string) string {
	if state == "" {
		return ""
	}
	return state + " "
}

func (c *Client) requestTable(rs []request.Request) error {
	now := c.now()
	t := newTable(c.Out, "ID", "STATE", "AGENT", "ASKED", "APPROVALS", "REASON", "CREATED", "EXPIRES/DECIDED")
	for _, r := range rs {
		t.row(cell(r.ID, maxCell), cell(r.State, maxCell), cell(agentName(r.Agent), maxCell), asked(r),
			fmt.Sprintf("%d/%d", len(r.Approvals), r.Needed), cell(r.Reason, maxReasonCell),
			Absolute(r.CreatedAt), cell(requestEnd(r, now), maxCell))
	}
	return t.flush()
}

// asked says what a request asks for: "read,write for 7d only planning",
// or "read for 1d (extension)" for more time on an active grant.
func asked(r request.Request) string {
	s := strings.Join(r.Scopes, ",") + " for " + r.Duration
	if len(r.Areas) > 0 {
		s += " only " + strings.Join(r.Areas, ",")
	}
	if r.Extension {
		s += " (extension)"
	}
	return cell(s, maxCell)
}

// requestEnd says when a pending request expires, or when and by whom it
// was decided: "in 2d 23h", "5m ago by a1 <ana@acme.example>", "3d ago".
func requestEnd(r request.Request, now time.Time) string {
	if r.State == request.Pending || r.DecidedAt == nil {
		return Relative(r.ExpiresAt, now)
	}
	s := Relative(*r.DecidedAt, now)
	if r.DecidedBy != nil {
		s += " by " + actor(r.DecidedBy)
	}
	return s
}
