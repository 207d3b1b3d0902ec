package adminpage

import (
	"net/http"
	"net/url"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/pages"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

// serveGrant makes the form's choices the tenant's grant, by the admin.
func (h *Handler) serveGrant(w http.ResponseWriter, r *http.Request) {
	a, ok := h.form(w, r)
	if !ok {
		return
	}
	req, err := h.grantRequest(a, r.PostForm)
	if err != nil {
		h.failed(w, r, err)
		return
	}
	g, err := h.d.Grants.Create(r.Context(), req)
	if err != nil {
		h.failed(w, r, err)
		return
	}
	h.notify(r, g.Tenant, grant.EventCreated, g)
	h.done(w, r, "granted")
}

// grantRequest reads the grant form: a length the rules offer, read-only
// or read and write, personal data masked or visible, and a note.
func (h *Handler) grantRequest(a *admin, f url.Values) (grant.CreateRequest, error) {
	fields, err := single(f, "duration", "access", "pii", "note")
	if err != nil {
		return grant.CreateRequest{}, err
	}
	req := grant.CreateRequest{Tenant: a.session.Tenant, By: a.actor, Note: fields["note"]}
	duration := fields["duration"]
	if req.Standing = duration == tenantadmin.Standing; req.Standing {
		duration = ""
	}
	if req.Duration, err = h.rules.Duration(duration, req.Standing); err != nil {
		return grant.CreateRequest{}, err
	}
	scopes, ok := scopesOf(fields["access"], fields["pii"])
	if !ok {
		return grant.CreateRequest{}, problem.New(problem.Invalid, "invalid_scope",
			"choose read-only or read and write, and whether personal data is masked or visible")
	}
	req.Scopes = scopes
	// Checkboxes: none checked is the whole app, unless the link that
	// opened the page limits its holder to some areas.
	req.Areas = f["area"]
	if err := grant.CheckAreas(req.Areas, h.areas, a.session.Areas); err != nil {
		return grant.CreateRequest{}, err
	}
	return req, nil
}

// single returns the named form fields, refusing any sent twice: the
// page sends each once, and a second value would be ambiguous.
func single(f url.Values, names ...string) (map[string]string, error) {
	out := make(map[string]string, len(names))
	for _, n := range names {
		if len(f[n]) > 1 {
			return nil, problem.New(problem.Invalid, "invalid_form", "the form sent %s twice", n)
		}
		out[n] = f.Get(n)
	}
	return out, nil
}

// serveRevoke ends the tenant's grant now, by the admin, with the
// optional reason.
func (h *Handler) serveRevoke(w http.ResponseWriter, r *http.Request) {
	a, ok := h.form(w, r)
	if !ok {
		return
	}
	fields, err := single(r.PostForm, "reason")
	if err != nil {
		h.failed(w, r, err)
		return
	}
	g, err := h.d.Grants.RevokeActive(r.Context(), a.session.Tenant, a.actor, fields["reason"])
	switch {
	case problem.As(err).Code == "no_active_grant":
		h.done(w, r, "none")
		return
	case err != nil:
		h.failed(w, r, err)
		return
	}
	h.notify(r, g.Tenant, grant.EventRevoked, g)
	h.done(w, r, "revoked")
}

// serveSignOut ends the admin's session; an admin the tenant no longer
// lists may still sign out.
func (h *Handler) serveSignOut(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.checkedForm(w, r); !ok {
		return
	}
	if err := h.d.Sessions.Destroy(r.Context(), w, r); err != nil {
		h.failed(w, r, err)
		return
	}
	pages.RenderError(w, pages.Error{Status: http.StatusOK, Title: "Signed out",
		Message: "You are signed out of Support Access. " + askAgain})
}

// done sends the browser back to the page after a change, with its
// one-line message (POST, redirect, GET: a reload repeats nothing).
func (h *Handler) done(w http.ResponseWriter, r *http.Request, flash string) {
	http.Redirect(w, r, h.base+"?done="+flash, http.StatusSeeOther)
}
