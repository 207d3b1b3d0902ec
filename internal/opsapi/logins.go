package opsapi

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// listLogins reads the chain of agent logins and logouts, which belongs
// to no tenant, with the same query as a tenant's audit.
func (h *Handler) listLogins(w http.ResponseWriter, r *http.Request) error {
	q, err := httpjson.EventQuery(r)
	if err != nil {
		return err
	}
	events, err := h.svc.Store().Events(r.Context(), store.LoginsChain, q)
	if err != nil {
		return problem.Store(err)
	}
	return h.resp.Reply(w, r, http.StatusOK, httpjson.NewEventPage(events, q))
}

// verifyLogins checks the logins chain's hashes.
func (h *Handler) verifyLogins(w http.ResponseWriter, r *http.Request) error {
	if err := httpjson.NoQuery(r); err != nil {
		return err
	}
	v, err := store.Verify(r.Context(), h.svc.Store(), store.LoginsChain)
	if err != nil {
		return problem.Store(err)
	}
	return h.resp.Reply(w, r, http.StatusOK, v)
}
