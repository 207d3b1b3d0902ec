package gateway

import (
	"errors"
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// serveAgent runs a request that carries a Lockbox cookie. An agent not in
// a tenant, or with a stale cookie, is ordinary traffic; an agent in a
// tenant goes through every check of the session.
func (g *Gateway) serveAgent(w http.ResponseWriter, r *http.Request, next Next) error {
	ctx := r.Context()
	ags, pass, err := g.requestAgent(ctx, r)
	// Stripped only after the lookup, which reads the cookie; from here
	// on the app never sees it, whatever the outcome.
	stripCookies(r)
	switch {
	case errors.Is(err, login.ErrNoSession):
		return next(w, r)
	case err != nil:
		g.unavailable(w, r, err)
		return nil
	case ags.Impersonation == nil:
		return next(w, r)
	}
	sess, err := g.liveSession(ctx, ags.Impersonation.Tenant, ags.Impersonation.Session)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			g.leaveTenant(ctx, ags)
			return next(w, r)
		}
		g.unavailable(w, r, err)
		return nil
	}
	if !g.sessionUsable(w, r, ags, sess.Session) || !g.rightTenant(w, r, pass, sess) {
		return nil
	}
	return g.proxy(w, r, sess, next)
}

// sessionUsable ends the session if its time is up or its grant is gone,
// and shows the agent why. It reports whether the request may go on.
func (g *Gateway) sessionUsable(w http.ResponseWriter, r *http.Request, ags *login.AgentSession, sess *store.Session) bool {
	ctx := r.Context()
	if sess.Ended() {
		g.leaveTenant(ctx, ags)
		g.sessionOver(w, r, sess)
		return false
	}
	reason, err := g.overdue(ctx, sess)
	if err != nil {
		g.unavailable(w, r, err)
		return false
	}
	if reason == "" {
		return true
	}
	ended, err := g.endSession(ctx, sess, reason)
	if err != nil {
		g.unavailable(w, r, err)
		return false
	}
	g.leaveTenant(ctx, ags)
	g.sessionOver(w, r, ended)
	return false
}

// proxy applies the deny rules and scopes, then sends the request on with
// identity headers and records it.
func (g *Gateway) proxy(w http.ResponseWriter, r *http.Request, sess *liveSession, next Next) error {
	clean, err := policy.CheckPath(r.URL.EscapedPath(), r.URL.Path)
	if err != nil {
		var pe *policy.PathError
		if errors.As(err, &pe) {
			g.refuse(w, r, sess.Session, http.StatusBadRequest, pe.Decision())
			return nil
		}
		g.refuse(w, r, sess.Session, http.StatusBadRequest, policy.Decision{Code: "ambiguous_path", Message: "This address is written in a way Lockbox does not let agents use."})
		return nil
	}
	if status, d := agentRequestRefusal(r); !d.Allowed() {
		g.refuse(w, r, sess.Session, status, d)
		return nil
	}
	if g.outsideAreas(w, r, sess.Session, clean) {
		return nil
	}
	if d := policy.Decide(sess.Scopes, r.Method, clean, g.cfg.Rules); !d.Allowed() {
		g.refuse(w, r, sess.Session, http.StatusForbidden, d)
		return nil
	}
	tok, _, err := g.d.Minter.Token(*sess.Session)
	if errors.Is(err, token.ErrSessionOver) {
		g.endOverSession(w, r, sess.Session)
		return nil
	}
	if err != nil {
		g.unavailable(w, r, err)
		return nil
	}
	policy.StripAgentHeaders(r.Header)
	g.names.set(r.Header, sess, tok)

	start := g.now()
	g.markSeen(sess.ID, start)
	rec := &recorder{ResponseWriter: w}
	err = next(rec, r)
	g.recordRequest(r, sess, clean, rec, start, err)
	return err
}

// endOverSession ends a session whose time ran out between the checks and
// minting its token, and shows the agent why.
func (g *Gateway) endOverSession(w http.ResponseWriter, r *http.Request, sess *store.Session) {
	ended, err := g.endSession(r.Context(), sess, g.timeUp(sess))
	if err != nil {
		g.unavailable(w, r, err)
		return
	}
	if ags, err := g.agent(r.Context(), r); err == nil {
		g.leaveTenant(r.Context(), ags)
	}
	g.sessionOver(w, r, ended)
}
