package gateway

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

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

// recordRequest queues the http.request event of a proxied request and the
// session activity it stands for. It waits only if the audit buffer is
// full, so no request goes unrecorded.
func (g *Gateway) recordRequest(r *http.Request, s *store.Session, path string, rec *recorder, start time.Time, proxyErr error) {
	status := rec.Status()
	if status == 0 && proxyErr != nil {
		status = http.StatusBadGateway
	}
	end := g.now()
	e := sessionEvent(EventHTTPRequest, s, start, requestData{
		Method: r.Method, Path: path, Status: status, Bytes: rec.bytes, DurationMS: end.Sub(start).Milliseconds(),
	})
	touch := &store.Touch{Tenant: s.Tenant, ID: s.ID, LastSeen: start, Requests: 1}
	// The request's context may already be cancelled (client gone); the
	// event must still be recorded.
	if err := g.d.Audit.Record(context.WithoutCancel(r.Context()), s.Tenant, e, touch); err != nil {
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
	if err := g.d.Audit.Record(context.WithoutCancel(r.Context()), s.Tenant, e, nil); err != nil {
		g.d.Logger.Error("recording refused request", zap.String("tenant", s.Tenant), zap.Error(err))
	}
}
