package opsapi

import (
	"errors"
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// sessionList answers GET /lockbox/tenants/{tenant}/sessions.
type sessionList struct {
	Sessions []store.Session `json:"sessions"`
	// NextCursor is the cursor= of the next page, omitted on the last.
	NextCursor string `json:"next_cursor,omitempty"`
}

func (h *Handler) listSessions(w http.ResponseWriter, r *http.Request) error {
	t, err := pathTenant(r)
	if err != nil {
		return err
	}
	page, err := pageQuery(r)
	if err != nil {
		return err
	}
	ss, next, err := h.svc.Store().Sessions(r.Context(), t, page)
	switch {
	case errors.Is(err, store.ErrInvalidCursor):
		return problem.New(problem.Invalid, "invalid_cursor", "the page cursor is not valid; start again from the first page")
	case err != nil:
		return problem.Store(err)
	}
	return h.reply(w, r, http.StatusOK, sessionList{Sessions: nonNil(ss), NextCursor: next})
}
