package gateway

import (
	"context"
	"encoding/json"
	"net/http"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Events of the logins chain (store.LoginsChain).
const (
	EventAgentLogin        = "agent.login"
	EventAgentLoginRefused = "agent.login_refused"
	EventAgentLogout       = "agent.logout"
)

// loginData is a logins chain event's data.
type loginData struct {
	// Reason is why a login was refused (the problem code).
	Reason string   `json:"reason,omitempty"`
	Roles  []string `json:"roles,omitempty"`
	// Site is the Lockbox prefix's issuer, telling sites apart.
	Site string `json:"site,omitempty"`
}

// recordLogin appends an event to the logins chain: with audit strict it
// returns once the event is durable, else it queues it.
func (g *Gateway) recordLogin(ctx context.Context, typ string, agent *store.Agent, data loginData) error {
	data.Site = g.cfg.Issuer
	raw, _ := json.Marshal(data) // plain structs always encode
	e := store.Event{ID: store.NewEventID(), Type: typ, Time: g.now(), Data: raw}
	if agent != nil {
		e.Actor = agentActor(*agent)
	}
	ctx = context.WithoutCancel(ctx)
	if !g.cfg.AuditBuffered {
		if err := g.d.Audit.RecordSync(ctx, store.LoginsChain, e); err != nil {
			return problem.Store(err)
		}
		return nil
	}
	return g.d.Audit.Record(ctx, store.LoginsChain, e, nil)
}

// loginRecorded records a successful login before the agent is told: if
// it cannot be, the session cookie is withheld and the 503 page shown.
func (g *Gateway) loginRecorded(w http.ResponseWriter, r *http.Request, res login.Result) bool {
	err := g.recordLogin(r.Context(), EventAgentLogin, &res.Agent, loginData{Roles: res.Roles})
	if err == nil {
		return true
	}
	w.Header().Del("Set-Cookie")
	g.unavailable(w, r, err)
	return false
}

// loginRefusedRecorded records a refused login; a failure to record it is
// logged, the refusal stands either way.
func (g *Gateway) loginRefusedRecorded(r *http.Request, code string) {
	if err := g.recordLogin(r.Context(), EventAgentLoginRefused, nil, loginData{Reason: code}); err != nil {
		g.d.Logger.Error("recording a refused agent login", zap.Error(err))
	}
}
