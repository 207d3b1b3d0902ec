package appapi

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// auditPage answers GET .../audit.
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
	page := auditPage{Events: nonNil(events)}
	if n := len(events); n > 0 && n >= q.Size() {
		page.NextAfter = events[n-1].Seq
	}
	return h.reply(w, r, http.StatusOK, page)
}
