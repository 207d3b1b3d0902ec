package adminpage

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/lockbox-gw/lockbox/internal/pages"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

// Bounds of the visit page.
const (
	eventsPerPage = 200
	maxSessionID  = 200
)

// Event types of a visit, as the gateway records them.
const (
	eventStarted = "session.started"
	eventEnded   = "session.ended"
	eventRequest = "http.request"
	eventDenied  = "access.denied"
)

// serveSession lists one visit of the session's tenant and what the
// agent did, after= paging through long visits.
func (h *Handler) serveSession(w http.ResponseWriter, r *http.Request, id string) {
	a, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	after, err := afterParam(r)
	if err != nil {
		h.failed(w, r, err)
		return
	}
	s, err := h.visit(r, a.session.Tenant, id)
	if err != nil {
		h.failed(w, r, err)
		return
	}
	events, next, err := tenantadmin.SessionEvents(r.Context(), h.d.Grants.Store(), s, store.EventQuery{AfterSeq: after, Limit: eventsPerPage})
	if err != nil {
		h.failed(w, r, err)
		return
	}
	v := pages.AdminSessionPage{Back: h.base, Tenant: s.Tenant, Admin: adminWords(a.record), Session: h.sessionRow(s), Rows: eventRows(events)}
	if next != 0 {
		v.Next = h.base + "/sessions/" + s.ID + "?after=" + strconv.FormatInt(next, 10)
	}
	pages.Render(w, "admin_session.html", v)
}

// visit returns one session of the tenant; any other tenant's is not
// found.
func (h *Handler) visit(r *http.Request, tenantID, id string) (store.Session, error) {
	missing := problem.New(problem.NotFound, "session_not_found", "there is no such support visit to %s", tenantID)
	if len(id) > maxSessionID || strings.IndexFunc(id, unicode.IsControl) >= 0 {
		return store.Session{}, missing
	}
	s, err := h.d.Grants.Store().GetSession(r.Context(), tenantID, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return store.Session{}, missing
	case err != nil:
		return store.Session{}, problem.Store(err)
	}
	return s, nil
}

func afterParam(r *http.Request) (int64, error) {
	v := r.URL.Query().Get("after")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, problem.New(problem.Invalid, "invalid_after", "this page link is not valid; open the visit again from the Support Access page")
	}
	return n, nil
}

// eventData is the part of a visit's event data the page shows.
type eventData struct {
	Method  string `json:"method"`
	Path    string `json:"path"`
	Status  int    `json:"status"`
	Message string `json:"message"`
	Reason  string `json:"reason"`
}

func eventRows(events []store.Event) []pages.AdminRequest {
	rows := make([]pages.AdminRequest, 0, len(events))
	for _, e := range events {
		var d eventData
		_ = json.Unmarshal(e.Data, &d) // a field it lacks stays empty
		row := pages.AdminRequest{At: e.Time.UTC().Format("2006-01-02 15:04:05 UTC"), Method: d.Method, Path: d.Path}
		switch e.Type {
		case eventRequest:
			row.Status = strconv.Itoa(d.Status)
		case eventDenied:
			row.Refused, row.What = true, d.Message
		case eventStarted:
			row.What = "entered " + e.Tenant
		case eventEnded:
			row.What = "visit ended: " + sessionEndWords(d.Reason)
		default:
			row.What = e.Type
		}
		rows = append(rows, row)
	}
	return rows
}
