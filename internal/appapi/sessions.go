package appapi

import (
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Bounds of a session's event scan. The chain is per tenant, not per
// session, so one call reads at most scanBatches batches and, when the
// page is not full by then, says where to go on.
const (
	scanBatches  = 10
	maxSessionID = 200
	// stragglers is how long after a session's end its last events may
	// still be appended (requests in flight, buffered audit writes).
	stragglers = time.Minute
)

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

func (h *Handler) listSessions(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	page, err := httpjson.PageQuery(r)
	if err != nil {
		return err
	}
	ss, next, err := h.store().Sessions(r.Context(), t, page)
	if err != nil {
		return httpjson.PageError(err)
	}
	return h.resp.Reply(w, r, http.StatusOK, httpjson.SessionPage{Sessions: httpjson.NonNil(ss), NextCursor: next})
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
	events, next, err := h.sessionEvents(r, s, q)
	if err != nil {
		return err
	}
	return h.resp.Reply(w, r, http.StatusOK, sessionDetail{Session: s, Events: httpjson.NonNil(events), NextAfter: next})
}

// session returns one session of the tenant.
func (h *Handler) session(r *http.Request, tenantID, id string) (store.Session, error) {
	missing := problem.New(problem.NotFound, "session_not_found", "tenant %s has no session %q", tenantID, httpjson.Clip(id))
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

// sessionEvents returns up to q.Size() events of session s within q,
// scanning the tenant's chain from the session's start, and the after=
// to go on from (0 when the scan reached the end).
func (h *Handler) sessionEvents(r *http.Request, s store.Session, q store.EventQuery) ([]store.Event, int64, error) {
	scan := sessionScan(s, q)
	var out []store.Event
	for range scanBatches {
		batch, err := h.store().Events(r.Context(), s.Tenant, scan)
		if err != nil {
			return nil, 0, problem.Store(err)
		}
		for _, e := range batch {
			scan.AfterSeq = e.Seq
			if e.Session != s.ID {
				continue
			}
			if out = append(out, e); len(out) == q.Size() {
				return out, e.Seq, nil
			}
		}
		if len(batch) < scan.Size() {
			return out, 0, nil
		}
	}
	return out, scan.AfterSeq, nil
}

// sessionScan narrows q to the time the session's events can have: from
// its start (whole seconds, as backends may round) to a little after its
// end.
func sessionScan(s store.Session, q store.EventQuery) store.EventQuery {
	scan := store.EventQuery{AfterSeq: q.AfterSeq, Since: q.Since, Until: q.Until, Limit: store.MaxPageSize}
	if start := s.StartedAt.Truncate(time.Second); scan.Since.Before(start) {
		scan.Since = start
	}
	if s.EndedAt != nil {
		if last := s.EndedAt.Add(stragglers); scan.Until.IsZero() || scan.Until.After(last) {
			scan.Until = last
		}
	}
	return scan
}
