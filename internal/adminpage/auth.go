package adminpage

import (
	"errors"
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/websession"
)

// maxForm bounds a form body; the largest holds a 500-character note.
const maxForm = 16 << 10

// admin is who is using the page: a live admin session whose admin is
// still registered for its tenant with a role that may act.
type admin struct {
	session *adminlink.Session
	record  admins.Admin
	actor   store.Actor
}

// signedIn returns the page's admin, or answers the request itself with
// why not: the session ended, the admin may no longer act, or the store
// is down.
func (h *Handler) signedIn(w http.ResponseWriter, r *http.Request) (*admin, bool) {
	s, ok := h.session(w, r)
	if !ok {
		return nil, false
	}
	return h.registered(w, r, s)
}

// form is signedIn for a POST that changes support access: the form is
// checked before the registry is read.
func (h *Handler) form(w http.ResponseWriter, r *http.Request) (*admin, bool) {
	s, ok := h.checkedForm(w, r)
	if !ok {
		return nil, false
	}
	return h.registered(w, r, s)
}

// checkedForm returns the session of a POST from the page: same origin,
// the session's CSRF token, and the tenant the page was shown for.
func (h *Handler) checkedForm(w http.ResponseWriter, r *http.Request) (*adminlink.Session, bool) {
	s, ok := h.session(w, r)
	if !ok {
		return nil, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if !websession.SameOrigin(r) || r.ParseForm() != nil || !s.CSRFValid(r.PostForm.Get("csrf")) {
		h.formRefused(w)
		return nil, false
	}
	if s.For(r.PostForm.Get("tenant")) != nil {
		h.otherTenant(w, s.Tenant)
		return nil, false
	}
	return s, true
}

// session returns the request's live admin session.
func (h *Handler) session(w http.ResponseWriter, r *http.Request) (*adminlink.Session, bool) {
	s, err := h.d.Sessions.Get(r.Context(), r)
	switch {
	case errors.Is(err, adminlink.ErrNoSession):
		h.sessionEnded(w)
		return nil, false
	case err != nil:
		h.failed(w, r, err)
		return nil, false
	}
	return s, true
}

// registered re-reads the registry: an admin removed from the tenant, or
// whose role lost the right to act, is refused at once, whatever the
// link said.
func (h *Handler) registered(w http.ResponseWriter, r *http.Request, s *adminlink.Session) (*admin, bool) {
	actor, rec, err := h.rules.Actor(r.Context(), h.d.Admins, s.Tenant, s.AdminID)
	if err != nil {
		h.failed(w, r, err)
		return nil, false
	}
	return &admin{session: s, record: rec, actor: actor}, true
}
