package opsapi

import (
	"net/http"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenantapi"
)

// activeList answers GET /lockbox/grants.
type activeList struct {
	Grants []store.Grant `json:"grants"`
}

// createBody is the body of POST /lockbox/tenants/{tenant}/grants.
type createBody struct {
	Scopes   []string `json:"scopes"`
	Duration string   `json:"duration"`
	Standing bool     `json:"standing"`
	Note     string   `json:"note"`
	By       string   `json:"by"`
	// Areas limit the grant to parts of the app, by name; none is the
	// whole app. Each must be defined by a configured site (the ops API
	// serves them all): a name none defines is refused, unknown_area.
	Areas []string `json:"areas"`
}

// revokeBody is the optional body of DELETE .../grants/{id}.
type revokeBody struct {
	By     string `json:"by"`
	Reason string `json:"reason"`
}

// caller is the operators' side of the shared tenant handlers: an
// operator names themselves in "by".
func (h *Handler) caller() tenantapi.Caller {
	return tenantapi.Caller{GrantRequest: h.grantRequest, Revoker: revoker, AdminsSetter: adminsSetter}
}

func (h *Handler) listActive(w http.ResponseWriter, r *http.Request) error {
	if err := httpjson.NoQuery(r); err != nil {
		return err
	}
	gs, err := h.svc.Active(r.Context())
	if err != nil {
		return err
	}
	return h.resp.Reply(w, r, http.StatusOK, activeList{Grants: httpjson.NonNil(gs)})
}

func (h *Handler) grantRequest(w http.ResponseWriter, r *http.Request, t string) (grant.CreateRequest, error) {
	var body createBody
	if err := httpjson.Decode(w, r, &body); err != nil {
		return grant.CreateRequest{}, err
	}
	req, err := body.request(t)
	if err != nil {
		return grant.CreateRequest{}, err
	}
	if err := h.checkAreas(req.Areas); err != nil {
		return grant.CreateRequest{}, err
	}
	return req, nil
}

// request turns the body into a grant request; grant.Service.Create
// checks the rest.
func (b createBody) request(t string) (grant.CreateRequest, error) {
	by, err := opsActor(b.By, true)
	if err != nil {
		return grant.CreateRequest{}, err
	}
	req := grant.CreateRequest{Tenant: t, Scopes: b.Scopes, Standing: b.Standing, By: by, Note: b.Note, Areas: b.Areas}
	if b.Duration != "" {
		if req.Duration, err = grant.ParseDuration(b.Duration); err != nil {
			return grant.CreateRequest{}, err
		}
	}
	return req, nil
}

// revoker reads the optional body of a revoke: without a name, the
// anonymous operator revokes.
func revoker(w http.ResponseWriter, r *http.Request, _ string) (store.Actor, string, error) {
	var body revokeBody
	if err := (httpjson.Body{Optional: true}).Decode(w, r, &body); err != nil {
		return store.Actor{}, "", err
	}
	by, err := opsActor(body.By, false)
	return by, body.Reason, err
}

// opsActor returns the actor for operator name by, stored as "ops:<by>".
// Without a name it is an error when required, else the anonymous
// operator "ops".
func opsActor(by string, required bool) (store.Actor, error) {
	name := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(by), "ops:"))
	switch {
	case name != "":
		return store.Actor{ID: "ops:" + name}, nil
	case required:
		return store.Actor{}, problem.New(problem.Invalid, "invalid_actor", `say who is acting: "by" (the operator's name) is required`)
	}
	return store.Actor{ID: "ops"}, nil
}
