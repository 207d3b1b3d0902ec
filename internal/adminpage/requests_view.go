package adminpage

import (
	"context"
	"net/url"
	"slices"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/pages"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/scope"
)

// How many of the tenant's requests the page reads, newest first, and
// how many ended ones it lists.
const (
	requestsRead = 100
	endedShown   = 10
)

// requestViews fills in v's access requests: the pending ones with the
// admin's forms, the latest ended ones, and the one ?request= names.
func (h *Handler) requestViews(ctx context.Context, a *admin, q url.Values, v *pages.Admin) error {
	if h.d.Requests == nil {
		return nil
	}
	v.RequestsOn = true
	list, err := h.d.Requests.List(ctx, a.session.Tenant, request.Filter{Limit: requestsRead})
	if err != nil {
		return err
	}
	focus, err := h.focused(ctx, a.session.Tenant, q.Get("request"), list)
	if err != nil {
		return err
	}
	v.FocusMissing = q.Has("request") && focus == nil
	if focus != nil {
		first := *focus // focus may point into list, which DeleteFunc rewrites
		list = slices.Insert(slices.DeleteFunc(list, func(x request.Request) bool { return x.ID == first.ID }), 0, first)
	}
	now := h.d.Requests.Now()
	for _, x := range list {
		isFocus := focus != nil && x.ID == focus.ID
		switch {
		case x.Pending(now):
			v.Pending = append(v.Pending, h.pendingView(x, a, isFocus))
		case isFocus:
			e := endedView(x)
			v.Focused = &e
		case len(v.Ended) < endedShown:
			v.Ended = append(v.Ended, endedView(x))
		}
	}
	return nil
}

// focused returns the tenant's request id, reading it if the list lacks
// it; nil when id names none of the tenant's.
func (h *Handler) focused(ctx context.Context, tenantID, id string, list []request.Request) (*request.Request, error) {
	if !validRequestID(id) {
		return nil, nil
	}
	if i := slices.IndexFunc(list, func(x request.Request) bool { return x.ID == id }); i >= 0 {
		x := list[i]
		return &x, nil
	}
	x, err := h.d.Requests.Get(ctx, id)
	switch {
	case problem.As(err).Kind == problem.NotFound:
		return nil, nil
	case err != nil:
		return nil, err
	case x.Tenant != tenantID:
		return nil, nil // another tenant's: not theirs to see
	}
	return &x, nil
}

// pendingView is a request waiting for a decision, with the forms the
// signed-in admin may use on it.
func (h *Handler) pendingView(x request.Request, a *admin, focus bool) pages.AdminPending {
	p := pages.AdminPending{
		AdminAsk: askWords(x), Focus: focus, Approvals: approvalCount(x), ApprovedBy: approverWords(x),
		Expires: at(x.ExpiresAt) + " (" + leftWords(x.ExpiresAt.Sub(h.d.Requests.Now())) + " left)",
	}
	if len(x.Approvals) > 0 {
		sc, d, ar := request.Outcome(x)
		p.SoFar = grantedWords(x.Extension, sc, d, ar)
	}
	if p.Own = request.Own(x, a.actor); p.Own {
		return p
	}
	if i := slices.IndexFunc(x.Approvals, func(ap request.Approval) bool { return ap.By.ID == a.actor.ID }); i >= 0 {
		p.YouApproved = at(x.Approvals[i].At)
		return p
	}
	base := h.base + requestsPath + x.ID
	p.Approve, p.Deny = base+approvePath, base+denyPath
	p.DurationChoices = h.durationChoices(x)
	if x.Extension {
		p.Blocked = extensionBlocked(x, a.session.Areas)
		return p
	}
	p.ScopeChoices = scopeChoices(x.Scopes)
	p.AreaChoices, p.AreasRequired = h.requestAreaChoices(x, a.session.Areas)
	p.Blocked = areasBlocked(x, a.session.Areas, p.AreaChoices)
	return p
}

// durationChoices are the lengths an approval may give, the one asked
// for selected.
func (h *Handler) durationChoices(x request.Request) []pages.Option {
	var out []pages.Option
	for _, d := range h.offeredDurations(x) {
		v := grant.FormatDuration(d)
		out = append(out, pages.Option{Value: v, Label: durationWords(d), Checked: v == x.Duration})
	}
	return out
}

// scopeChoices are the checkboxes of the scopes beyond read that were
// asked for, checked: an approval may drop them.
func scopeChoices(asked []string) []pages.Option {
	var out []pages.Option
	for _, s := range []struct{ value, label string }{{scope.Write, "Write (change data)"}, {scope.PII, "See personal data"}} {
		if slices.Contains(asked, s.value) {
			out = append(out, pages.Option{Value: s.value, Label: s.label, Checked: true})
		}
	}
	return out
}

// requestAreaChoices are the area checkboxes of an approval: the areas
// asked for, or the site's for a whole-app request, within the areas
// the admin's link allows. All start checked when one must stay.
func (h *Handler) requestAreaChoices(x request.Request, allowed []string) ([]pages.Option, bool) {
	if len(h.areas) == 0 {
		return nil, false
	}
	names := x.Areas
	if len(names) == 0 {
		names = h.areas.Names()
	}
	required := len(x.Areas) > 0 || len(allowed) > 0
	var out []pages.Option
	for _, n := range names {
		if len(allowed) == 0 || slices.Contains(allowed, n) {
			out = append(out, pages.Option{Value: n, Label: n, Checked: required})
		}
	}
	return out, required
}

// areasBlocked says why an admin whose link allows only some areas
// cannot approve a request for others; "" when they can.
func areasBlocked(x request.Request, allowed []string, choices []pages.Option) string {
	if len(allowed) == 0 || len(choices) > 0 {
		return ""
	}
	return limitedWords(allowed) + " this request asks for " + askedAreaWords(x.Areas) + ". Another admin must approve it, or you may deny it."
}

// extensionBlocked is areasBlocked for more time on a grant, whose
// areas stay as they are.
func extensionBlocked(x request.Request, allowed []string) string {
	if len(allowed) == 0 || len(x.Areas) > 0 && isSubset(x.Areas, allowed) {
		return ""
	}
	return limitedWords(allowed) + " the current grant covers " + askedAreaWords(x.Areas) + ". Another admin must approve it, or you may deny it."
}

func isSubset(sub, set []string) bool {
	for _, s := range sub {
		if !slices.Contains(set, s) {
			return false
		}
	}
	return true
}

// endedView is a request that was decided or expired.
func endedView(x request.Request) pages.AdminEnded {
	e := pages.AdminEnded{AdminAsk: askWords(x), State: x.State, DecidedBy: deciders(x), Message: x.Message}
	if x.DecidedAt != nil {
		e.DecidedAt = at(*x.DecidedAt)
	}
	if x.State == request.Approved {
		sc, d, ar := request.Outcome(x)
		e.Granted = grantedWords(x.Extension, sc, d, ar)
	}
	return e
}
