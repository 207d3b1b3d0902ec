package adminpage

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
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

// servePage shows the page, or opens a link first.
func (h *Handler) servePage(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Has("token") {
		h.open(w, r)
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

// open starts the session of a clicked link and sends the browser to the
// page without the token, so it leaves the address bar and history. The
// link's admin must still be registered with a role that may act, or no
// session starts. Opening a link changes no grant.
func (h *Handler) open(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Referrer-Policy", "no-referrer")
	q := r.URL.Query()
	if len(q["token"]) != 1 {
		h.badLink(w, r, adminlink.ErrInvalid)
		return
	}
	c, err := h.d.Links.Verify(r.Context(), q.Get("token"))
	if err != nil {
		h.badLink(w, r, err)
		return
	}
	if _, _, err := h.rules.Actor(r.Context(), h.d.Admins, c.Tenant, c.AdminID); err != nil {
		h.failed(w, r, err)
		return
	}
	if _, err := h.d.Sessions.Start(r.Context(), w, r, c); err != nil {
		h.badLink(w, r, err)
		return
	}
	q.Del("token")
	q.Del("done") // no message about a change that did not happen
	to := h.base
	if len(q) > 0 {
		to += "?" + q.Encode()
	}
	if id := q.Get("request"); validRequestID(id) {
		to += "#request-" + id // the browser scrolls to the request
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
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
