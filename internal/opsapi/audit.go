package opsapi

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

func (h *Handler) listAudit(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	q, err := httpjson.EventQuery(r)
	if err != nil {
		return err
	}
	// Record a passed expiry first, so the trail shows it.
	if _, err := h.svc.Current(r.Context(), t); err != nil && problem.As(err).Kind != problem.NotFound {
		return err
	}
	events, err := h.svc.Store().Events(r.Context(), t, q)
	if err != nil {
		return problem.Store(err)
	}
	return h.resp.Reply(w, r, http.StatusOK, httpjson.NewEventPage(events, q))
}

func (h *Handler) verifyAudit(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	if err := httpjson.NoQuery(r); err != nil {
		return err
	}
	v, err := store.Verify(r.Context(), h.svc.Store(), t)
	if err != nil {
		return problem.Store(err)
	}
	return h.resp.Reply(w, r, http.StatusOK, v)
}
