package appapi

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
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
	if _, err := h.d.Grants.Current(r.Context(), t); err != nil && problem.As(err).Kind != problem.NotFound {
		return err
	}
	events, err := h.store().Events(r.Context(), t, q)
	if err != nil {
		return problem.Store(err)
	}
	return h.resp.Reply(w, r, http.StatusOK, httpjson.NewEventPage(events, q))
}
