package gateway

import (
	"net/http"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/metrics"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Ops are what the gateway tells operators about each agent request
// (beside the tenant's audit trail). Every field may be left unset.
type Ops struct {
	// Site names the site in decision logs, as its metrics do.
	Site string
	// Metrics counts agent requests and sign-ins.
	Metrics *metrics.Site
	// Decisions logs every allow (DEBUG) and refusal (INFO) of an agent
	// request.
	Decisions *zap.Logger
	// SetUser names the agent, by email, in the server's access log.
	SetUser func(r *http.Request, user string)
	// Ready answers <prefix>/ready for load balancers; nil answers 404.
	Ready http.Handler
}

// allowedDecision reports an agent request about to be sent to the app.
func (g *Gateway) allowedDecision(r *http.Request, s *store.Session) {
	o := &g.d.Ops
	o.Metrics.Allowed()
	g.setUser(r, s)
	if o.Decisions == nil {
		return
	}
	if ce := o.Decisions.Check(zapcore.DebugLevel, "agent request allowed"); ce != nil {
		ce.Write(g.decisionFields(r, s, "")...)
	}
}

// deniedDecision reports an agent request refused for reason.
func (g *Gateway) deniedDecision(r *http.Request, s *store.Session, reason string) {
	g.refusedDecision(r, s, metrics.Denied, reason)
}

// unavailableDecision reports an agent request refused because Lockbox
// could not check it.
func (g *Gateway) unavailableDecision(r *http.Request, err error) {
	g.refusedDecision(r, nil, metrics.Unavailable, problem.As(err).Code)
}

func (g *Gateway) refusedDecision(r *http.Request, s *store.Session, outcome, reason string) {
	o := &g.d.Ops
	o.Metrics.Refused(outcome, reason)
	g.setUser(r, s)
	if o.Decisions == nil {
		return
	}
	if ce := o.Decisions.Check(zapcore.InfoLevel, "agent request refused"); ce != nil {
		ce.Write(append(g.decisionFields(r, s, reason), zap.String("outcome", outcome))...)
	}
}

// decisionFields are the fields of a decision log line: who, where and
// what, never a token, cookie or query string.
func (g *Gateway) decisionFields(r *http.Request, s *store.Session, reason string) []zap.Field {
	f := []zap.Field{zap.String("site", g.d.Ops.Site), zap.String("method", r.Method), zap.String("path", r.URL.Path)}
	if reason != "" {
		f = append(f, zap.String("reason", reason))
	}
	if s == nil {
		return f
	}
	return append(f,
		zap.String("tenant", s.Tenant), zap.String("session", s.ID),
		zap.String("agent_iss", s.Agent.Issuer), zap.String("agent_sub", s.Agent.Subject),
		zap.String("agent_email", s.Agent.Email))
}

func (g *Gateway) setUser(r *http.Request, s *store.Session) {
	if g.d.Ops.SetUser == nil || s == nil {
		return
	}
	user := s.Agent.Email
	if user == "" {
		user = s.Agent.Subject
	}
	g.d.Ops.SetUser(r, user)
}

// loginOutcome is the metrics outcome of a finished sign-in.
func loginOutcome(err error) string {
	if err == nil {
		return "success"
	}
	p := problem.As(err)
	switch {
	case p.Code == login.CodeNoRole:
		return "no_role"
	case problem.Status(err) >= 500:
		return "unavailable"
	}
	return "refused"
}
