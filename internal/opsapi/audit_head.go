package opsapi

import (
	"encoding/json"
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
)

// auditHead answers GET /lockbox/tenants/{tenant}/audit/head: the last
// link of the chain, which `lockbox audit verify` walks up to.
func (h *Handler) auditHead(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	if err := httpjson.NoQuery(r); err != nil {
		return err
	}
	head, err := h.svc.Store().AuditHead(r.Context(), t)
	if err != nil {
		return problem.Store(err)
	}
	return h.resp.Reply(w, r, http.StatusOK, head)
}

// jwks answers GET /lockbox/keys/jwks: the published signing keys, which
// checkpoints are verified with.
func (h *Handler) jwks(w http.ResponseWriter, r *http.Request) error {
	if err := httpjson.NoQuery(r); err != nil {
		return err
	}
	if h.keys == nil {
		return problem.New(problem.Unavailable, "keys_unavailable", "the signing keys are not available here")
	}
	raw, err := h.keys.JWKS()
	if err != nil {
		return problem.Store(err)
	}
	return h.resp.Reply(w, r, http.StatusOK, json.RawMessage(raw))
}

// tenantList answers GET /lockbox/tenants.
type tenantList struct {
	Tenants []string `json:"tenants"`
}

// listTenants answers GET /lockbox/tenants: every tenant that has had a
// grant, which `lockbox audit export` walks.
func (h *Handler) listTenants(w http.ResponseWriter, r *http.Request) error {
	if err := httpjson.NoQuery(r); err != nil {
		return err
	}
	ts, err := h.svc.Store().Tenants(r.Context())
	if err != nil {
		return problem.Store(err)
	}
	return h.resp.Reply(w, r, http.StatusOK, tenantList{Tenants: httpjson.NonNil(ts)})
}
