package gateway

import (
	"context"
	"crypto/rand"
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
	cookies := r.Header["Cookie"] // stripCookies replaces the slice
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
	// Registered before any check, so a session that ends meanwhile, on
	// any instance, cuts this request too.
	lr := g.live.enter(r, ags.Impersonation.Session)
	defer g.live.leave(lr)
	sess, err := g.liveSession(ctx, ags.Impersonation.Tenant, ags.Impersonation.Session)
	if g.looksOver(ctx, sess, err) {
		// A cached login may lag the agent entering a tenant on another
		// instance: only the stored one may send the agent out.
		if fresh, ok := g.movedOn(r, cookies, ags); ok {
			ags = fresh
			sess, err = g.liveSession(ctx, ags.Impersonation.Tenant, ags.Impersonation.Session)
		}
	}
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			g.leaveTenant(ctx, ags)
			return next(w, r)
		}
		g.unavailable(w, r, err)
		return nil
	}
	if sess.ID != lr.sid { // the agent moved on to another session
		g.live.leave(lr)
		lr = g.live.enter(r, sess.ID)
		defer g.live.leave(lr)
	}
	g.live.found(lr, sess.Session)
	if !g.sessionUsable(w, r, ags, sess.Session) || !g.rightTenant(w, r, pass, sess) {
		return nil
	}
	return g.proxy(w, r, ags, sess, lr, next)
}

// looksOver reports whether the session the agent's login names is gone,
// ended or due to end, as far as this instance knows.
func (g *Gateway) looksOver(ctx context.Context, sess *liveSession, err error) bool {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return true
	case err != nil:
		return false
	case sess.Ended():
		return true
	}
	reason, err := g.overdue(ctx, sess.Session)
	return err == nil && reason != ""
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
func (g *Gateway) proxy(w http.ResponseWriter, r *http.Request, ags *login.AgentSession, sess *liveSession, lr *liveReq, next Next) error {
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
		g.endOverSession(w, r, ags, sess.Session)
		return nil
	}
	if err != nil {
		g.unavailable(w, r, err)
		return nil
	}
	policy.StripAgentHeaders(r.Header)
	g.names.set(r.Header, sess, tok)
	g.allowedDecision(r, sess.Session)

	if context.Cause(lr.ctx) == errSessionEnded {
		g.endedMeanwhile(w, r, sess.Session)
		return nil
	}
	lr.passed = true
	start := g.now()
	reqID := rand.Text()
	r.Header[g.names.requestID] = []string{reqID}
	started, err := g.recordStarted(r, sess, clean, reqID, start)
	if err != nil {
		// Unrecorded, the request must not reach the app.
		g.unavailable(w, r, err)
		return nil
	}
	g.markSeen(sess.ID, start)
	rec := &recorder{ResponseWriter: w}
	defer func() {
		// A stream cut because the session ended, or left by its client,
		// aborts the handler with a panic: its outcome is still recorded.
		if p := recover(); p != nil {
			g.recordRequest(r, sess, clean, rec, start, errAborted, reqID, started)
			panic(p)
		}
	}()
	err = next(&liveWriter{ResponseWriter: rec, g: g, lr: lr, s: sess}, r.WithContext(lr.ctx))
	g.recordRequest(r, sess, clean, rec, start, err, reqID, started)
	return err
}

// errAborted stands for a response the proxy abandoned half-way.
var errAborted = errors.New("response aborted")

// endOverSession ends a session whose time ran out between the checks and
// minting its token, takes the agent out of the tenant, and shows why.
// The agent's login is the one looked up before the cookies were
// stripped: the request no longer names it.
func (g *Gateway) endOverSession(w http.ResponseWriter, r *http.Request, ags *login.AgentSession, sess *store.Session) {
	ended, err := g.endSession(r.Context(), sess, g.timeUp(sess))
	if err != nil {
		g.unavailable(w, r, err)
		return
	}
	g.leaveTenant(r.Context(), ags)
	g.sessionOver(w, r, ended)
}
