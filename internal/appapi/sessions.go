package appapi

import (
	"errors"
	"net/http"
	"strings"
	"unicode"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

// maxSessionID bounds a session id looked up in the store.
const maxSessionID = 200

// sessionDetail answers GET .../sessions/{id}.
type sessionDetail struct {
	Session store.Session `json:"session"`
	// Events are the session's audit events: its start and end, each
	// request, each refusal.
	Events []store.Event `json:"events"`
	// NextAfter is the after= of the next page, omitted when the scan
	// reached the end.
	NextAfter int64 `json:"next_after,omitempty"`
}

func (h *Handler) getSession(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	q, err := httpjson.EventQuery(r)
	if err != nil {
		return err
	}
	s, err := h.session(r, t, r.PathValue("id"))
	if err != nil {
		return err
	}
	events, next, err := tenantadmin.SessionEvents(r.Context(), h.store(), s, q)
	if err != nil {
		return err
	}
	return h.resp.Reply(w, r, http.StatusOK, sessionDetail{Session: s, Events: httpjson.NonNil(events), NextAfter: next})
}

// session returns one session of the tenant.
func (h *Handler) session(r *http.Request, tenantID, id string) (store.Session, error) {
	missing := problem.New(problem.NotFound, "session_not_found", "tenant %s has no session %q", tenantID, problem.Clip(id, 80))
	if len(id) > maxSessionID || strings.IndexFunc(id, unicode.IsControl) >= 0 {
		return store.Session{}, missing
	}
	s, err := h.store().GetSession(r.Context(), tenantID, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return store.Session{}, missing
	case err != nil:
		return store.Session{}, problem.Store(err)
	}
	return s, nil
}
