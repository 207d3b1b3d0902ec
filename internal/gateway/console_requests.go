package gateway

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/pages"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/scope"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// consoleRequests is how many of the agent's requests the console lists.
const consoleRequests = 20

// scopeLabels say what each scope lets the agent do.
var scopeLabels = map[string]string{
	scope.Read:  "read (always)",
	scope.Write: "write: change data",
	scope.PII:   "pii: see personal data unmasked",
}

// myRequests returns the agent's newest requests; none when the site
// takes no requests.
func (g *Gateway) myRequests(ctx context.Context, ags *login.AgentSession) ([]request.Request, error) {
	if g.d.Requests == nil {
		return nil, nil
	}
	return g.d.Requests.ForAgent(ctx, ags.Agent, consoleRequests)
}

// askForm is the empty ask form; nil when the site takes no requests.
func (g *Gateway) askForm(ags *login.AgentSession) *pages.AskForm {
	if g.d.Requests == nil {
		return nil
	}
	return g.filledAskForm(ags, request.Ask{})
}

// filledAskForm is the ask form showing a; it offers only the scopes
// the agent's roles can use.
func (g *Gateway) filledAskForm(ags *login.AgentSession, a request.Ask) *pages.AskForm {
	f := &pages.AskForm{
		Tenant: a.Tenant, Reason: a.Reason, Ticket: a.Ticket,
		Durations: g.durationChoices(a.Duration),
		MaxReason: request.MaxReason, MaxTicket: request.MaxTicket,
	}
	for _, s := range ags.Scopes {
		f.Scopes = append(f.Scopes, pages.Choice{Value: s, Label: scopeLabels[s], Checked: slices.Contains(a.Scopes, s), Fixed: s == scope.Read})
	}
	for _, n := range g.cfg.Areas.Names() {
		f.Areas = append(f.Areas, pages.Choice{Value: n, Label: n, Checked: slices.Contains(a.Areas, n)})
	}
	return f
}

// durationChoices are the lengths an agent may ask for, chosen selected
// (else the shortest).
func (g *Gateway) durationChoices(chosen string) []pages.Choice {
	offered := g.d.Requests.Choices()
	if !slices.Contains(offered, chosen) && len(offered) > 0 {
		chosen = offered[0]
	}
	out := make([]pages.Choice, 0, len(offered))
	for _, d := range offered {
		out = append(out, pages.Choice{Value: d, Label: d, Checked: d == chosen})
	}
	return out
}

// extendForm offers more time on a grant that ends within
// request.ExtensionWindow, unless the agent's request to the tenant
// still waits for an answer.
func (g *Gateway) extendForm(gr store.Grant, mine []request.Request, now time.Time) *pages.ExtendForm {
	if g.d.Requests == nil || gr.ExpiresAt == nil {
		return nil
	}
	if left := gr.ExpiresAt.Sub(now); left <= 0 || left > request.ExtensionWindow {
		return nil
	}
	return &pages.ExtendForm{
		Durations: g.durationChoices(""), MaxReason: request.MaxReason,
		Waiting: slices.ContainsFunc(mine, func(r request.Request) bool { return r.Tenant == gr.Tenant && r.Pending(now) }),
	}
}

// requestRows words the agent's requests for the console; an approved
// one offers Enter while its tenant has an active grant.
func (g *Gateway) requestRows(mine []request.Request, grants []store.Grant, now time.Time) []pages.RequestRow {
	rows := make([]pages.RequestRow, 0, len(mine))
	for _, r := range mine {
		state := r.StatusAt(now)
		row := pages.RequestRow{
			Tenant: r.Tenant, At: r.CreatedAt, Asked: asked(r.Scopes, r.Duration, r.Extension),
			Areas: areasText(r.Areas), Reason: r.Reason, Ticket: r.Ticket, State: state, Status: statusText(r, state),
			Enter: state == request.Approved && slices.ContainsFunc(grants, func(gr store.Grant) bool { return gr.Tenant == r.Tenant }),
		}
		if state == request.Denied {
			row.Message = r.Message
		}
		rows = append(rows, row)
	}
	return rows
}

// asked words scopes for a duration, e.g. "read, write for 7d", or more
// time on a grant, e.g. "1d more time".
func asked(scopes []string, d string, extension bool) string {
	if extension {
		return d + " more time"
	}
	return strings.Join(scopes, ", ") + " for " + d
}

func areasText(areas []string) string {
	if len(areas) == 0 {
		return ""
	}
	return "only: " + strings.Join(areas, ", ")
}

// statusText says where a request stands, in words.
func statusText(r request.Request, state string) string {
	by := ""
	if r.DecidedBy != nil {
		by = " by " + displayActor(*r.DecidedBy)
	}
	switch state {
	case request.Pending:
		if r.Needed <= 1 {
			return "pending: waiting for an admin's approval"
		}
		return fmt.Sprintf("pending: waiting for %d of %d approvals", r.Needed-len(r.Approvals), r.Needed)
	case request.Approved:
		scopes, d, areas := request.Outcome(r)
		granted := asked(scopes, d, r.Extension)
		if a := areasText(areas); a != "" && !r.Extension {
			granted += ", " + a
		}
		return "approved" + by + " (" + granted + ")"
	case request.Denied:
		return "denied" + by
	case request.Expired:
		return "expired: no admin answered by " + r.ExpiresAt.UTC().Format("2006-01-02 15:04 UTC")
	}
	return state
}
