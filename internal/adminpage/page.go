package adminpage

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/lockbox-gw/lockbox/internal/pages"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// How many grants and visits one page lists.
const (
	grantsPerPage   = 20
	sessionsPerPage = 50
	maxCursor       = 512
)

// flashes are the one-line messages after a form, by the done= of the
// redirect. Only these fixed texts are ever shown, so a crafted link
// cannot put words on the page.
var flashes = map[string]string{
	"granted": "Support access granted.",
	"revoked": "Support access revoked. Agents inside are stopped at their next click.",
	"none":    "Support had no access to revoke.",

	"acknowledged": "Emergency access acknowledged.",

	"approved": "Access request approved. Support has the access you approved.",
	"extended": "Access request approved. The current grant has more time.",
	"approval": "Your approval is recorded. Another admin must approve too before support has access.",
	"denied":   "Access request denied.",
}

// servePage shows the page, or first what a link opens (see open.go).
func (h *Handler) servePage(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Has("token") {
		h.showLink(w, r)
		return
	}
	a, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	v, err := h.overview(r, a)
	if err != nil {
		h.failed(w, r, err)
		return
	}
	pages.Render(w, "admin.html", v)
}

// overview reads what the page shows: the current grant, the history
// and the visits, one page of each (cursors grants= and visits=).
func (h *Handler) overview(r *http.Request, a *admin) (pages.Admin, error) {
	ctx, t, q := r.Context(), a.session.Tenant, r.URL.Query()
	gc, sc := q.Get("grants"), q.Get("visits")
	if len(gc) > maxCursor || len(sc) > maxCursor {
		return pages.Admin{}, badCursor()
	}
	history, nextGrants, err := h.d.Grants.History(ctx, t, store.Page{Limit: grantsPerPage, Cursor: gc})
	if err != nil {
		return pages.Admin{}, err
	}
	active, err := h.d.Grants.CurrentOrNil(r.Context(), t)
	if err != nil {
		return pages.Admin{}, err
	}
	sessions, nextSessions, err := h.d.Grants.Store().Sessions(ctx, t, store.Page{Limit: sessionsPerPage, Cursor: sc})
	switch {
	case errors.Is(err, store.ErrInvalidCursor):
		return pages.Admin{}, badCursor()
	case err != nil:
		return pages.Admin{}, problem.Store(err)
	}
	notices, err := h.breakGlassNotices(ctx, t, sessions, sc == "")
	if err != nil {
		return pages.Admin{}, err
	}
	v := h.view(a, active)
	if err := h.requestViews(ctx, a, q, &v); err != nil {
		return pages.Admin{}, err
	}
	if v.Checkpoint, err = h.checkpointView(ctx, t); err != nil {
		return pages.Admin{}, err
	}
	v.BreakGlass = notices
	v.Flash = flashes[q.Get("done")]
	v.Grants, v.OlderGrants = h.grantRows(history), h.older("grants", nextGrants)
	v.Sessions, v.OlderSessions = h.sessionRows(sessions), h.older("visits", nextSessions)
	return v, nil
}

// older links to the next page of a list; "" on the last.
func (h *Handler) older(param, cursor string) string {
	if cursor == "" {
		return ""
	}
	return h.base + "?" + url.Values{param: {cursor}}.Encode()
}

func badCursor() error {
	return problem.New(problem.Invalid, "invalid_cursor", "this list's page link is not valid; start again from the Support Access page")
}
