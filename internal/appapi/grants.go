package appapi

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenantapi"
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

// caller is the app's side of the shared tenant handlers: a registered
// tenant admin acts, within the site's rules, and admins hear of changes.
func (h *Handler) caller() tenantapi.Caller {
	return tenantapi.Caller{
		GrantRequest: h.grantRequest,
		Revoker:      h.revoker,
		AdminsSetter: adminsSetter,
		Changed: func(r *http.Request, t, event string, g store.Grant) {
			h.notify(r, t, event, g)
		},
	}
}

func (h *Handler) grantRequest(w http.ResponseWriter, r *http.Request, t string) (grant.CreateRequest, error) {
	var body createBody
	if err := httpjson.Decode(w, r, &body); err != nil {
		return grant.CreateRequest{}, err
	}
	if err := grant.CheckAreas(body.Areas, h.cfg.Areas, nil); err != nil {
		return grant.CreateRequest{}, err
	}
	req := grant.CreateRequest{Tenant: t, Scopes: body.Scopes, Standing: body.Standing, Note: body.Note, Areas: body.Areas}
	var err error
	if req.Duration, err = h.cfg.rules().Duration(body.Duration, body.Standing); err != nil {
		return grant.CreateRequest{}, err
	}
	if req.By, err = h.actingAdmin(r, t, body.Admin); err != nil {
		return grant.CreateRequest{}, err
	}
	return req, nil
}

func (h *Handler) revoker(w http.ResponseWriter, r *http.Request, t string) (store.Actor, string, error) {
	var body revokeBody
	if err := httpjson.Decode(w, r, &body); err != nil {
		return store.Actor{}, "", err
	}
	by, err := h.actingAdmin(r, t, body.Admin)
	return by, body.Reason, err
}
