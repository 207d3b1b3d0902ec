package adminpage

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/pages"
	"github.com/lockbox-gw/lockbox/internal/websession"
)

// openPath is where a link's Continue button posts, under the page.
const openPath = "/open"

// showLink answers the GET of a clicked link: who the link is for and a
// Continue button that posts its token. It changes nothing, so a mail
// scanner that fetches the link leaves it unused. A used link says so,
// unless this browser holds the session it opened: then the page itself.
func (h *Handler) showLink(w http.ResponseWriter, r *http.Request) {
	noTrace(w)
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
	if h.alreadyUsed(w, r, c) {
		return
	}
	_, rec, err := h.rules.Actor(r.Context(), h.d.Admins, c.Tenant, c.AdminID)
	if err != nil {
		h.failed(w, r, err)
		return
	}
	pages.Render(w, "admin_open.html", pages.AdminOpen{
		Tenant: c.Tenant, Admin: adminWords(rec), Until: at(c.ExpiresAt),
		Action: h.base + openPath + query(onward(q)), Token: q.Get("token"),
	})
}

// serveOpen answers the Continue button: the token in the form is the
// proof, the form must come from this site, and the link is spent once
// across every instance as its session starts. The browser is then sent
// to the page without the token.
func (h *Handler) serveOpen(w http.ResponseWriter, r *http.Request) {
	noTrace(w)
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if !websession.SameOrigin(r) || r.ParseForm() != nil {
		h.openRefused(w)
		return
	}
	if len(r.PostForm["token"]) != 1 {
		h.badLink(w, r, adminlink.ErrInvalid)
		return
	}
	c, err := h.d.Links.Verify(r.Context(), r.PostForm.Get("token"))
	if err != nil {
		h.badLink(w, r, err)
		return
	}
	if _, _, err := h.rules.Actor(r.Context(), h.d.Admins, c.Tenant, c.AdminID); err != nil {
		h.failed(w, r, err)
		return
	}
	_, err = h.d.Sessions.StartOnce(r.Context(), w, r, c)
	switch {
	case errors.Is(err, adminlink.ErrSpent):
		if !h.alreadyUsed(w, r, c) {
			h.failed(w, r, err) // given back by a racing open that failed just now
		}
	case err != nil:
		h.badLink(w, r, err)
	default:
		h.toPage(w, r, onward(r.URL.Query()))
	}
}

// alreadyUsed answers a used link, and reports whether it was one: the
// browser holding the session the link opened goes to the page; anyone
// else reads that the link was used.
func (h *Handler) alreadyUsed(w http.ResponseWriter, r *http.Request, c adminlink.Claims) bool {
	when, used, err := h.d.Sessions.Spent(r.Context(), c)
	switch {
	case err != nil:
		h.failed(w, r, err)
		return true
	case !used:
		return false
	}
	if _, ok := h.d.Sessions.OpenedBy(r.Context(), r, c); ok {
		h.toPage(w, r, onward(r.URL.Query()))
		return true
	}
	msg := "Each Support Access link opens the page once, and this one already has"
	if !when.IsZero() {
		msg += ", on " + at(when)
	}
	pages.RenderError(w, pages.Error{Status: http.StatusForbidden, Title: "This Support Access link was already used",
		Message: msg + ". If that was not you, tell your team. " + askAgain})
	return true
}

// openRefused answers a Continue that did not come from this site's own
// page: another site may not sign a browser in with a link it holds.
func (h *Handler) openRefused(w http.ResponseWriter) {
	pages.RenderError(w, pages.Error{Status: http.StatusForbidden, Title: "Not opened",
		Message: "This request did not come from the Support Access link's own page, so the link was not used. Open the link again and press Continue."})
}

// toPage sends the browser to the page with q, scrolled to the request
// a link names.
func (h *Handler) toPage(w http.ResponseWriter, r *http.Request, q url.Values) {
	to := h.base + query(q)
	if id := q.Get("request"); validRequestID(id) {
		to += "#request-" + id // the browser scrolls to the request
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// onward is a link's query without its token, and without a done= that
// would report a change that did not happen.
func onward(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		if k != "token" && k != "done" {
			out[k] = v
		}
	}
	return out
}

// query is "?" and q encoded, or "" when q is empty.
func query(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// noTrace keeps a link's answers out of caches and Referer headers sent
// elsewhere.
func noTrace(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
}
