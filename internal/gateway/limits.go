package gateway

import (
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/pages"
	"github.com/lockbox-gw/lockbox/internal/ratelimit"
)

// loginAllowed spends one of the client's logins, or answers 429: each
// login writes a record to the store and sends the browser to the
// identity provider.
func (g *Gateway) loginAllowed(w http.ResponseWriter, r *http.Request) bool {
	l := g.d.Limits
	if l == nil {
		return true
	}
	ok, wait := l.Login.Allow(r.Context(), l.ClientKey(r))
	if ok {
		return true
	}
	g.warnLimited(r, "agent login rate limited")
	g.tooMany(w, wait, "Too many sign-ins from your address. Wait a moment and try again.", pages.Link{Label: "Try again", URL: g.cfg.Prefix + "/login"})
	return false
}

// askAllowed answers 429 when the agent has sent its share of access
// requests lately (each one emails every admin of the tenant). It spends
// nothing: askSent does, once a request is sent.
func (g *Gateway) askAllowed(w http.ResponseWriter, r *http.Request, ags *login.AgentSession) bool {
	l := g.d.Limits
	if l == nil {
		return true
	}
	wait := l.Requests.Wait(r.Context(), agentKey(ags))
	if wait == 0 {
		return true
	}
	g.warnLimited(r, "agent access requests rate limited", zap.String("agent", ags.Agent.Subject))
	g.tooMany(w, wait, "You have sent as many access requests as Lockbox takes for now. Wait a while before asking again.", g.consoleLink())
	return false
}

// askSent counts a sent access request against the agent.
func (g *Gateway) askSent(r *http.Request, ags *login.AgentSession) {
	if l := g.d.Limits; l != nil {
		l.Requests.Allow(r.Context(), agentKey(ags))
	}
}

// agentKey is who an agent is across sessions.
func agentKey(ags *login.AgentSession) string { return ags.Agent.Issuer + " " + ags.Agent.Subject }

// tooMany shows a 429 page saying when to try again.
func (g *Gateway) tooMany(w http.ResponseWriter, wait time.Duration, msg string, link pages.Link) {
	ratelimit.RetryAfter(w.Header(), wait)
	msg += " (about " + max(wait, time.Second).Round(time.Second).String() + ")"
	pages.RenderError(w, pages.Error{Status: http.StatusTooManyRequests, Title: "Too many requests", Message: msg, Links: []pages.Link{link}})
}

// warnLimited logs a refusal at warn, at most ratelimit.LogLines a
// client, with how many lines were held back before it.
func (g *Gateway) warnLimited(r *http.Request, msg string, fields ...zap.Field) {
	remote, held, ok := g.d.Limits.LogPass(r)
	if !ok {
		return
	}
	g.d.Logger.Warn(msg, append(fields, zap.String("remote", remote), zap.Int("held_back", held))...)
}
