package opsapi

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// auditPage answers GET /lockbox/tenants/{tenant}/audit.
type auditPage struct {
	Events []store.Event `json:"events"`
	// NextAfter is the after= of the next page, omitted on a short page.
	NextAfter int64 `json:"next_after,omitempty"`
}

func (h *Handler) listAudit(w http.ResponseWriter, r *http.Request) error {
	t, err := pathTenant(r)
	if err != nil {
		return err
	}
	q, err := eventQuery(r)
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
	page := auditPage{Events: nonNil(events)}
	if n := len(events); n > 0 && n >= q.Size() {
		page.NextAfter = events[n-1].Seq
	}
	return h.reply(w, r, http.StatusOK, page)
}

func (h *Handler) verifyAudit(w http.ResponseWriter, r *http.Request) error {
	t, err := pathTenant(r)
	if err != nil {
		return err
	}
	if err := noQuery(r); err != nil {
		return err
	}
	v, err := store.Verify(r.Context(), h.svc.Store(), t)
	if err != nil {
		return problem.Store(err)
	}
	return h.reply(w, r, http.StatusOK, v)
}
