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
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Audit event types of the agent path.
const (
	EventSessionStarted = "session.started"
	EventSessionEnded   = "session.ended"
	EventHTTPRequest    = "http.request"
	EventAccessDenied   = "access.denied"
	// EventHTTPStarted is written, with audit strict, before an agent
	// request is sent to the app; the http.request written after the
	// response names it in data.started. One with no such http.request
	// is a request whose outcome is unknown (the gateway stopped).
	EventHTTPStarted = "http.started"
)

func agentActor(a store.Agent) *store.Actor {
	return &store.Actor{ID: "agent:" + a.Subject, Email: a.Email, Issuer: a.Issuer}
}

func sessionEvent(typ string, s *store.Session, at time.Time, data any) store.Event {
	raw, _ := json.Marshal(data) // plain structs always encode
	return store.Event{ID: store.NewEventID(), Type: typ, Time: at, Actor: agentActor(s.Agent), Grant: s.Grant, Session: s.ID, Data: raw}
}

type requestData struct {
	Method     string `json:"method"`
	Path       string `json:"path"`
	Status     int    `json:"status"`
	Bytes      int64  `json:"bytes"`
	DurationMS int64  `json:"duration_ms"`
	RequestID  string `json:"request_id,omitempty"`
	Started    string `json:"started,omitempty"`
}

// startedRequestData is an http.started event's data.
type startedRequestData struct {
	Method    string `json:"method"`
	Path      string `json:"path"`
	RequestID string `json:"request_id"`
}

// appendJSON appends d as json.Marshal writes it. Every proxied agent
// request records one, so the usual method and path, which need no
// escaping, are written directly rather than through reflection.
func (d requestData) appendJSON(b []byte) []byte {
	if !plainJSON(d.Method) || !plainJSON(d.Path) || !plainJSON(d.RequestID) || !plainJSON(d.Started) {
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
	if d.RequestID != "" {
		b = append(b, `,"request_id":"`...)
		b = append(b, d.RequestID...)
		b = append(b, '"')
	}
	if d.Started != "" {
		b = append(b, `,"started":"`...)
		b = append(b, d.Started...)
		b = append(b, '"')
	}
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

// appendJSON appends d as json.Marshal writes it, directly for the usual
// method and path, as requestData does.
func (d startedRequestData) appendJSON(b []byte) []byte {
	if !plainJSON(d.Method) || !plainJSON(d.Path) || !plainJSON(d.RequestID) {
		raw, _ := json.Marshal(d) // plain structs always encode
		return append(b, raw...)
	}
	b = append(b, `{"method":"`...)
	b = append(b, d.Method...)
	b = append(b, `","path":"`...)
	b = append(b, d.Path...)
	b = append(b, `","request_id":"`...)
	b = append(b, d.RequestID...)
	return append(b, `"}`...)
}

// recordStarted writes, with audit strict, the http.started event of an
// agent request and the session activity it stands for, and returns once
// both are durable (group commit) or the store failed. It returns the
// event's id, which the outcome names; "" with audit buffered.
func (g *Gateway) recordStarted(r *http.Request, s *liveSession, path, reqID string, start time.Time) (string, error) {
	if g.cfg.AuditBuffered {
		return "", nil
	}
	var buf [256]byte
	raw := bytes.Clone(startedRequestData{Method: r.Method, Path: path, RequestID: reqID}.appendJSON(buf[:0]))
	e := store.Event{ID: store.NewEventID(), Type: EventHTTPStarted, Time: start, Actor: s.actor, Grant: s.Grant, Session: s.ID, Data: raw}
	touch := store.Touch{Tenant: s.Tenant, ID: s.ID, LastSeen: start, Requests: 1}
	if err := g.d.Audit.RecordDurable(r.Context(), s.Tenant, e, &touch); err != nil {
		return "", problem.Store(err)
	}
	return e.ID, nil
}

// recordRequest queues the http.request event of a proxied request: its
// outcome, linked to its http.started event with audit strict; with audit
// buffered, the only record of it and of the session activity. It waits
// only if the audit buffer is full, so no request goes unrecorded.
func (g *Gateway) recordRequest(r *http.Request, s *liveSession, path string, rec *recorder, start time.Time, proxyErr error, reqID, started string) {
	status := rec.Status()
	if status == 0 && proxyErr != nil {
		status = http.StatusBadGateway
	}
	end := g.now()
	data := requestData{
		Method: r.Method, Path: path, Status: status, Bytes: rec.bytes, DurationMS: end.Sub(start).Milliseconds(),
		RequestID: reqID, Started: started,
	}
	var buf [384]byte
	e := store.Event{
		ID: store.NewEventID(), Type: EventHTTPRequest, Time: start, Actor: s.actor, Grant: s.Grant, Session: s.ID,
		Data: bytes.Clone(data.appendJSON(buf[:0])), // one allocation, of the size needed
	}
	var touch *store.Touch
	if started == "" {
		touch = &store.Touch{Tenant: s.Tenant, ID: s.ID, LastSeen: start, Requests: 1}
	}
	// Record waits on its context only while the audit buffer is full; the
	// event must be recorded even if the client has gone meanwhile, so it
	// gets a context that is never cancelled.
	if err := g.d.Audit.Record(context.Background(), s.Tenant, e, touch); err != nil {
		g.d.Logger.Error("recording agent request", zap.String("tenant", s.Tenant), zap.String("session", s.ID), zap.Error(err))
	}
}

type deniedData struct {
	Reason  string `json:"reason"`
	Message string `json:"message"`
	Method  string `json:"method"`
	Path    string `json:"path"`
	Rule    string `json:"rule,omitempty"`
	// Status is the HTTP status the agent was sent.
	Status int `json:"status"`
}

// recordDenied records a refused agent request. With audit strict it
// returns once the event is durable, and an error if it cannot be, so
// the caller shows the 503 page instead of the refusal; with audit
// buffered it queues the event and returns nil.
func (g *Gateway) recordDenied(r *http.Request, s *store.Session, status int, d policy.Decision) error {
	data := deniedData{Reason: d.Code, Message: d.Message, Method: r.Method, Path: r.URL.EscapedPath(), Status: status}
	if d.Rule != (policy.Rule{}) {
		data.Rule = d.Rule.String()
	}
	e := sessionEvent(EventAccessDenied, s, g.now(), data)
	ctx := context.WithoutCancel(r.Context())
	// A refused request counts among the visit's requests, as its page
	// lists it; it is not activity that keeps the session from idling.
	touch := store.Touch{Tenant: s.Tenant, ID: s.ID, Requests: 1, Refused: 1}
	if !g.cfg.AuditBuffered {
		if err := g.d.Audit.RecordDurable(ctx, s.Tenant, e, &touch); err != nil {
			return problem.Store(err)
		}
		return nil
	}
	if err := g.d.Audit.Record(ctx, s.Tenant, e, &touch); err != nil {
		g.d.Logger.Error("recording refused request", zap.String("tenant", s.Tenant), zap.Error(err))
	}
	return nil
}
