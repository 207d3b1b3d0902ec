package tenantapi

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
)

// ListSessions answers GET .../tenants/{tenant}/sessions: a page of the
// tenant's impersonation sessions.
func (h *Handlers) ListSessions(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	page, err := httpjson.PageQuery(r)
	if err != nil {
		return err
	}
	ss, next, err := h.Grants.Store().Sessions(r.Context(), t, page)
	if err != nil {
		return httpjson.PageError(err)
	}
	return h.Resp.Reply(w, r, http.StatusOK, httpjson.SessionPage{Sessions: httpjson.NonNil(ss), NextCursor: next})
}
