package opsapi

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
)

func (h *Handler) listSessions(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	page, err := httpjson.PageQuery(r)
	if err != nil {
		return err
	}
	ss, next, err := h.svc.Store().Sessions(r.Context(), t, page)
	if err != nil {
		return httpjson.PageError(err)
	}
	return h.resp.Reply(w, r, http.StatusOK, httpjson.SessionPage{Sessions: httpjson.NonNil(ss), NextCursor: next})
}
