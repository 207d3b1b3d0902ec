package tenantapi

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
)

// ListAudit answers GET .../tenants/{tenant}/audit: a page of the
// tenant's audit trail.
func (h *Handlers) ListAudit(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	q, err := httpjson.EventQuery(r)
	if err != nil {
		return err
	}
	// Record a passed expiry first, so the trail shows it.
	if _, err := h.Grants.Current(r.Context(), t); err != nil && problem.As(err).Kind != problem.NotFound {
		return err
	}
	events, err := h.Grants.Store().Events(r.Context(), t, q)
	if err != nil {
		return problem.Store(err)
	}
	return h.Resp.Reply(w, r, http.StatusOK, httpjson.NewEventPage(events, q))
}
