package tenantapi

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// CurrentID in place of a grant id revokes whatever grant is active.
const CurrentID = "current"

// ListGrants answers GET .../tenants/{tenant}/grants: a page of the
// tenant's grant history and its active grant.
func (h *Handlers) ListGrants(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	page, err := httpjson.PageQuery(r)
	if err != nil {
		return err
	}
	// History records a passed expiry first, so the active grant read
	// after it agrees with the history.
	gs, next, err := h.Grants.History(r.Context(), t, page)
	if err != nil {
		return err
	}
	active, err := h.Grants.CurrentOrNil(r.Context(), t)
	if err != nil {
		return err
	}
	return h.Resp.Reply(w, r, http.StatusOK, httpjson.GrantPage{Active: active, Grants: httpjson.NonNil(gs), NextCursor: next})
}

// CreateGrant answers POST .../tenants/{tenant}/grants.
func (h *Handlers) CreateGrant(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	req, err := h.Caller.GrantRequest(w, r, t)
	if err != nil {
		return err
	}
	g, err := h.Grants.Create(r.Context(), req)
	if err != nil {
		return err
	}
	h.changed(r, t, grant.EventCreated, g)
	return h.Resp.Reply(w, r, http.StatusCreated, g)
}

// RevokeGrant answers DELETE .../tenants/{tenant}/grants/{id}, where id
// may be CurrentID.
func (h *Handlers) RevokeGrant(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	by, reason, err := h.Caller.Revoker(w, r, t)
	if err != nil {
		return err
	}
	var g store.Grant
	if id := r.PathValue("id"); id == CurrentID {
		g, err = h.Grants.RevokeActive(r.Context(), t, by, reason)
	} else {
		g, err = h.Grants.Revoke(r.Context(), t, id, by, reason)
	}
	if err != nil {
		return err
	}
	h.changed(r, t, grant.EventRevoked, g)
	return h.Resp.Reply(w, r, http.StatusOK, g)
}
