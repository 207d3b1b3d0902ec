package gateway

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// sweepEvery is how often open sessions are checked for their end when no
// request comes to end them (an agent who walked away).
const sweepEvery = time.Minute

// sweepLoop ends, every sweepEvery until ctx ends, sessions whose time is
// up, whose agent went idle or whose grant is gone, so every session gets
// its session.ended even without a further request. Every instance sweeps;
// EndSession lets only one of them record each end.
func (g *Gateway) sweepLoop(ctx context.Context) {
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := g.Sweep(ctx); err != nil && ctx.Err() == nil {
			g.d.Logger.Warn("sweeping lockbox sessions", zap.Error(err))
		}
	}
}

// Sweep ends every open session that should have ended by now.
func (g *Gateway) Sweep(ctx context.Context) error {
	tenants, err := g.d.Store.Tenants(ctx)
	if err != nil {
		return err
	}
	for _, t := range tenants {
		if err := g.sweepTenant(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

// sweepTenant checks the tenant's sessions newest first, down to those
// started before any session could still be open.
func (g *Gateway) sweepTenant(ctx context.Context, tenant string) error {
	oldest := g.now().Add(-g.cfg.SessionMax - sweepEvery)
	p := store.Page{Limit: 100}
	refreshed := false
	for {
		page, next, err := g.d.Store.Sessions(ctx, tenant, p)
		if err != nil {
			return err
		}
		for i := range page {
			s := &page[i]
			if s.Ended() {
				if s.StartedAt.Before(oldest) {
					return nil // everything older was swept before
				}
				continue
			}
			// The cache may lag the store (its change feed is
			// asynchronous); the sweep, which has no request waiting,
			// judges open sessions by the store's grant.
			if !refreshed {
				if _, _, err := g.storedGrant(ctx, tenant); err != nil {
					return err
				}
				refreshed = true
			}
			reason, err := g.overdue(ctx, s)
			if err != nil {
				return err
			}
			if reason != "" {
				if _, err := g.endSession(ctx, s, reason); err != nil {
					return err
				}
			}
		}
		if next == "" {
			return nil
		}
		p.Cursor = next
	}
}

// overdue returns why s should have ended by now, or "": its time is up,
// its agent has been idle, or (unless break-glass) its grant is gone.
func (g *Gateway) overdue(ctx context.Context, s *store.Session) (string, error) {
	now := g.now()
	switch {
	// Tokens carry whole seconds, so the session ends at the whole second
	// its last token would: no request falls between the two.
	case !now.Before(s.EndsAt.Truncate(time.Second)):
		return g.timeUp(s), nil
	case now.Sub(g.idleSince(s)) >= g.cfg.IdleTimeout && g.reallyIdle(ctx, s, now):
		return store.SessionIdle, nil
	case s.BreakGlass:
		return "", nil
	}
	return g.grantGone(ctx, s)
}

// timeUp says why a session reached EndsAt: the session maximum (or a
// break-glass limit), or the expiry of its grant.
func (g *Gateway) timeUp(s *store.Session) string {
	if s.BreakGlass || s.EndsAt.Equal(s.StartedAt.Add(g.cfg.SessionMax)) {
		return store.SessionMax
	}
	return store.SessionExpired
}

// reallyIdle re-reads the session before calling it idle, because another
// instance may have served the agent meanwhile.
func (g *Gateway) reallyIdle(ctx context.Context, s *store.Session, now time.Time) bool {
	g.cache.dropSession(s.ID)
	fresh, err := g.session(ctx, s.Tenant, s.ID)
	if err != nil {
		return true // ending it goes to the store, which decides
	}
	return now.Sub(g.idleSince(fresh)) >= g.cfg.IdleTimeout
}

// grantGone returns why the session's grant no longer holds, or "".
func (g *Gateway) grantGone(ctx context.Context, s *store.Session) (string, error) {
	cur, ok, err := g.currentGrant(ctx, s.Tenant)
	if err != nil || (ok && cur.ID == s.Grant) {
		return "", err
	}
	if cur, ok, err = g.storedGrant(ctx, s.Tenant); err != nil || (ok && cur.ID == s.Grant) {
		return "", err
	}
	old, err := g.d.Grants.Get(ctx, s.Tenant, s.Grant)
	switch {
	case err == nil && old.EndReason == store.EndExpired:
		return store.SessionExpired, nil
	case err == nil && old.EndReason == store.EndReplaced:
		return store.SessionReplaced, nil
	}
	return store.SessionRevoked, nil
}
