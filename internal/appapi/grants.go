package appapi

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// createBody is the body of POST .../grants.
type createBody struct {
	Scopes   []string  `json:"scopes"`
	Duration string    `json:"duration"`
	Standing bool      `json:"standing"`
	Note     string    `json:"note"`
	Admin    *adminRef `json:"admin"`
	// Areas limit the grant to configured areas; none is the whole app.
	Areas []string `json:"areas"`
}

// revokeBody is the body of DELETE .../grants/{id}.
type revokeBody struct {
	Admin  *adminRef `json:"admin"`
	Reason string    `json:"reason"`
}

// currentID in place of a grant id revokes whatever grant is active.
const currentID = "current"

func (h *Handler) listGrants(w http.ResponseWriter, r *http.Request) error {
	page, err := httpjson.ReadGrantPage(r, h.d.Grants)
	if err != nil {
		return err
	}
	return h.resp.Reply(w, r, http.StatusOK, page)
}

func (h *Handler) createGrant(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	var body createBody
	if err := httpjson.Decode(w, r, &body); err != nil {
		return err
	}
	if err := grant.CheckAreas(body.Areas, h.cfg.Areas, nil); err != nil {
		return err
	}
	req := grant.CreateRequest{Tenant: t, Scopes: body.Scopes, Standing: body.Standing, Note: body.Note, Areas: body.Areas}
	if req.Duration, err = h.cfg.rules().Duration(body.Duration, body.Standing); err != nil {
		return err
	}
	if req.By, err = h.actingAdmin(r, t, body.Admin); err != nil {
		return err
	}
	g, err := h.d.Grants.Create(r.Context(), req)
	if err != nil {
		return err
	}
	h.notify(r, t, grant.EventCreated, g)
	return h.resp.Reply(w, r, http.StatusCreated, g)
}

func (h *Handler) revokeGrant(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	var body revokeBody
	if err := httpjson.Decode(w, r, &body); err != nil {
		return err
	}
	by, err := h.actingAdmin(r, t, body.Admin)
	if err != nil {
		return err
	}
	var g store.Grant
	if id := r.PathValue("id"); id == currentID {
		g, err = h.d.Grants.RevokeActive(r.Context(), t, by, body.Reason)
	} else {
		g, err = h.d.Grants.Revoke(r.Context(), t, id, by, body.Reason)
	}
	if err != nil {
		return err
	}
	h.notify(r, t, grant.EventRevoked, g)
	return h.resp.Reply(w, r, http.StatusOK, g)
}
