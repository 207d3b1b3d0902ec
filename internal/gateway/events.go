package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Audit event types of the agent path.
const (
	EventSessionStarted = "session.started"
	EventSessionEnded   = "session.ended"
	EventHTTPRequest    = "http.request"
	EventAccessDenied   = "access.denied"
)

func agentActor(a store.Agent) *store.Actor {
	return &store.Actor{ID: "agent:" + a.Subject, Email: a.Email}
}

func sessionEvent(typ string, s *store.Session, at time.Time, data any) store.Event {
	raw, _ := json.Marshal(data) // plain structs always encode
	return store.Event{Type: typ, Time: at, Actor: agentActor(s.Agent), Grant: s.Grant, Session: s.ID, Data: raw}
}

type requestData struct {
	Method     string `json:"method"`
	Path       string `json:"path"`
	Status     int    `json:"status"`
	Bytes      int64  `json:"bytes"`
	DurationMS int64  `json:"duration_ms"`
}

// appendJSON appends d as json.Marshal writes it. Every proxied agent
// request records one, so the usual method and path, which need no
// escaping, are written directly rather than through reflection.
func (d requestData) appendJSON(b []byte) []byte {
	if !plainJSON(d.Method) || !plainJSON(d.Path) {
		raw, _ := json.Marshal(d) // plain structs always encode
		return append(b, raw...)
	}
	b = append(b, `{"method":"`...)
	b = append(b, d.Method...)
	b = append(b, `","path":"`...)
	b = append(b, d.Path...)
	b = append(b, `","status":`...)
	b = strconv.AppendInt(b, int64(d.Status), 10)
	b = append(b, `,"bytes":`...)
	b = strconv.AppendInt(b, d.Bytes, 10)
	b = append(b, `,"duration_ms":`...)
	b = strconv.AppendInt(b, d.DurationMS, 10)
	return append(b, '}')
}

// plainJSON reports whether encoding/json writes s between quotes as it
// is: printable ASCII other than the characters it escapes.
func plainJSON(s string) bool {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// recordRequest queues the http.request event of a proxied request and the
// session activity it stands for. It waits only if the audit buffer is
// full, so no request goes unrecorded.
func (g *Gateway) recordRequest(r *http.Request, s *liveSession, path string, rec *recorder, start time.Time, proxyErr error) {
	status := rec.Status()
	if status == 0 && proxyErr != nil {
		status = http.StatusBadGateway
	}
	end := g.now()
	data := requestData{
		Method: r.Method, Path: path, Status: status, Bytes: rec.bytes, DurationMS: end.Sub(start).Milliseconds(),
	}
	var buf [256]byte
	e := store.Event{
		Type: EventHTTPRequest, Time: start, Actor: s.actor, Grant: s.Grant, Session: s.ID,
		Data: bytes.Clone(data.appendJSON(buf[:0])), // one allocation, of the size needed
	}
	touch := store.Touch{Tenant: s.Tenant, ID: s.ID, LastSeen: start, Requests: 1}
	// Record waits on its context only while the audit buffer is full; the
	// event must be recorded even if the client has gone meanwhile, so it
	// gets a context that is never cancelled.
	if err := g.d.Audit.Record(context.Background(), s.Tenant, e, &touch); err != nil {
		g.d.Logger.Error("recording agent request", zap.String("tenant", s.Tenant), zap.String("session", s.ID), zap.Error(err))
	}
}

type deniedData struct {
	Reason  string `json:"reason"`
	Message string `json:"message"`
	Method  string `json:"method"`
	Path    string `json:"path"`
	Rule    string `json:"rule,omitempty"`
}

func (g *Gateway) recordDenied(r *http.Request, s *store.Session, d policy.Decision) {
	data := deniedData{Reason: d.Code, Message: d.Message, Method: r.Method, Path: r.URL.EscapedPath()}
	if d.Rule != (policy.Rule{}) {
		data.Rule = d.Rule.String()
	}
	e := sessionEvent(EventAccessDenied, s, g.now(), data)
	// A refused request counts among the visit's requests, as its page
	// lists it; it is not activity that keeps the session from idling.
	touch := store.Touch{Tenant: s.Tenant, ID: s.ID, Requests: 1, Refused: 1}
	if err := g.d.Audit.Record(context.WithoutCancel(r.Context()), s.Tenant, e, &touch); err != nil {
		g.d.Logger.Error("recording refused request", zap.String("tenant", s.Tenant), zap.Error(err))
	}
}
