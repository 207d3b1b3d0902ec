package gateway

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/scope"
	"github.com/lockbox-gw/lockbox/internal/store"
)

type startedData struct {
	Scopes []string  `json:"scopes"`
	Roles  []string  `json:"roles"`
	EndsAt time.Time `json:"ends_at"`
}

type endedData struct {
	Reason   string `json:"reason"`
	Requests int64  `json:"requests"`
}

// startSession puts the agent into the tenant under grant gr: effective
// scopes are what both the grant and the agent's roles allow, and the
// session ends at the grant's expiry or the session maximum, whichever is
// first. The start is audited before the agent can use the session.
func (g *Gateway) startSession(ctx context.Context, ags *login.AgentSession, gr store.Grant) (*store.Session, error) {
	now := g.now()
	ends := now.Add(g.cfg.SessionMax)
	if gr.ExpiresAt != nil && gr.ExpiresAt.Before(ends) {
		ends = *gr.ExpiresAt
	}
	s := &store.Session{
		ID: "s_" + rand.Text(), Tenant: gr.Tenant, Grant: gr.ID,
		Agent: ags.Agent, Roles: ags.Roles, Scopes: scope.Intersect(gr.Scopes, ags.Scopes),
		Areas: gr.Areas, StartedAt: now, EndsAt: ends, LastSeen: now,
	}
	if err := g.d.Store.PutSession(ctx, *s); err != nil {
		return nil, problem.Store(err)
	}
	e := sessionEvent(EventSessionStarted, s, now, startedData{Scopes: s.Scopes, Roles: s.Roles, EndsAt: ends})
	if err := g.d.Audit.RecordSync(ctx, s.Tenant, e); err != nil {
		// Unaudited, the session must not be used.
		_, _ = g.d.Store.EndSession(context.WithoutCancel(ctx), s.Tenant, s.ID, now, store.SessionExit)
		return nil, problem.Store(err)
	}
	return s, nil
}

// endSession ends s for reason, once across all instances, and audits it.
// If another instance ended it first, the session as it ended is returned.
func (g *Gateway) endSession(ctx context.Context, s *store.Session, reason string) (*store.Session, error) {
	// The count the session ends with includes every request this
	// instance has seen, not only those whose activity was written.
	if err := g.d.Audit.FlushSession(ctx, s.Tenant, s.ID); err != nil {
		g.d.Logger.Warn("writing the session's last activity before ending it", zap.String("session", s.ID), zap.Error(err))
	}
	ended, err := g.d.Store.EndSession(ctx, s.Tenant, s.ID, g.now(), reason)
	g.cache.dropSession(s.ID)
	g.live.cut(s.ID)
	g.d.Minter.Forget(s.ID)
	g.seen.Delete(s.ID)
	switch {
	case errors.Is(err, store.ErrEnded), errors.Is(err, store.ErrNotFound):
		cur, gerr := g.d.Store.GetSession(ctx, s.Tenant, s.ID)
		if gerr != nil {
			return nil, problem.Store(gerr)
		}
		return &cur, nil
	case err != nil:
		return nil, problem.Store(err)
	}
	e := sessionEvent(EventSessionEnded, &ended, *ended.EndedAt, endedData{Reason: reason, Requests: ended.Requests})
	if err := g.d.Audit.Record(context.WithoutCancel(ctx), s.Tenant, e, nil); err != nil {
		g.d.Logger.Error("recording session end", zap.String("session", s.ID), zap.Error(err))
	}
	return &ended, nil
}

// leaveTenant clears the agent's current tenant. It is best effort: a
// session that has ended is refused anyway.
func (g *Gateway) leaveTenant(ctx context.Context, ags *login.AgentSession) {
	if err := g.setImpersonation(ctx, ags, nil); err != nil {
		g.d.Logger.Warn("clearing the agent's tenant", zap.Error(err))
	}
}

// setImpersonation records which session the agent is in, on a copy of the
// cached agent session, and tells every instance.
func (g *Gateway) setImpersonation(ctx context.Context, ags *login.AgentSession, imp *login.Impersonation) error {
	c := *ags
	c.Impersonation = imp
	err := g.d.Login.Sessions().Save(ctx, &c)
	g.forgetAgent(ctx, ags.ID)
	return err
}
