package gateway

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/scope"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// agent returns the signed-in agent for r, from the cache when the feed is
// live. login.ErrNoSession when r carries no live session.
func (g *Gateway) agent(ctx context.Context, r *http.Request) (*login.AgentSession, error) {
	ss := g.d.Login.Sessions()
	id, ok := ss.ID(r)
	if !ok {
		return nil, login.ErrNoSession
	}
	if a, ok := g.cache.agent(id); ok && g.now().Before(a.ExpiresAt) {
		return a, nil
	}
	gen := g.cache.generation()
	a, err := ss.Get(ctx, r)
	if err != nil {
		return nil, err
	}
	g.cache.putAgent(gen, id, a)
	return a, nil
}

// movedOn re-reads the agent's login from the store, with the request's
// cookies as they came (before Lockbox's were stripped), and returns it if
// the agent is now in another impersonation session than ags says.
func (g *Gateway) movedOn(r *http.Request, cookies []string, ags *login.AgentSession) (*login.AgentSession, bool) {
	g.cache.dropAgent(ags.ID)
	orig := r.WithContext(r.Context())
	orig.Header = http.Header{"Cookie": cookies}
	fresh, err := g.agent(r.Context(), orig)
	if err != nil || fresh.Impersonation == nil || *fresh.Impersonation == *ags.Impersonation {
		return nil, false
	}
	return fresh, true
}

// forgetAgent drops an agent session from every instance's cache.
func (g *Gateway) forgetAgent(ctx context.Context, id string) {
	g.cache.dropAgent(id)
	g.publish(ctx, store.Change{Kind: store.ChangeAgent, ID: id})
}

// session returns an impersonation session, from the cache when the feed
// is live.
func (g *Gateway) session(ctx context.Context, tenant, id string) (*store.Session, error) {
	ls, err := g.liveSession(ctx, tenant, id)
	if err != nil {
		return nil, err
	}
	return ls.Session, nil
}

// liveSession returns an impersonation session with what its requests
// derive from it, worked out once per read from the store; from the cache
// when the feed is live.
func (g *Gateway) liveSession(ctx context.Context, tenant, id string) (*liveSession, error) {
	if ls, ok := g.cache.session(id); ok && ls.Tenant == tenant {
		return ls, nil
	}
	gen := g.cache.generation()
	s, err := g.d.Store.GetSession(ctx, tenant, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, err
	case err != nil:
		return nil, problem.Store(err)
	}
	ls := newLiveSession(&s)
	g.cache.putSession(gen, ls)
	return ls, nil
}

// liveSession is a session as its requests use it. Its fields are shared
// by every request of the session and never changed.
type liveSession struct {
	*store.Session
	actor    *store.Actor // who the session's events name
	scopes   string       // the scopes header
	pii      string       // the PII header
	agent    string       // the agent header: the email, ASCII (headerValue)
	agentSub string       // the agent subject header, ASCII (headerValue)
}

func newLiveSession(s *store.Session) *liveSession {
	pii := "masked"
	if slices.Contains(s.Scopes, scope.PII) {
		pii = "visible"
	}
	return &liveSession{Session: s, actor: agentActor(s.Agent), scopes: strings.Join(s.Scopes, " "), pii: pii,
		agent: headerValue(s.Agent.Email), agentSub: headerValue(s.Agent.Subject)}
}

// currentGrant returns the tenant's active grant, or ok=false when it has
// none, from the cache when the feed is live.
func (g *Gateway) currentGrant(ctx context.Context, tenant string) (store.Grant, bool, error) {
	if e, ok := g.cache.grant(tenant); ok && (e.none || !e.grant.Expired(g.now())) {
		return e.grant, !e.none, nil
	}
	return g.storedGrant(ctx, tenant)
}

// storedGrant is currentGrant read from the store, whatever the cache
// holds. A cache can lag the store (the change feed of a Redis Cluster
// crosses the cluster bus), so its "no grant" or "another grant" is
// confirmed here before it ends a session or refuses entry: a store read
// on that rare path only.
func (g *Gateway) storedGrant(ctx context.Context, tenant string) (store.Grant, bool, error) {
	gen := g.cache.generation()
	gr, err := g.d.Grants.Current(ctx, tenant)
	if p := problem.As(err); err != nil && p.Kind == problem.NotFound {
		g.cache.putGrant(gen, tenant, grantEntry{none: true})
		return store.Grant{}, false, nil
	}
	if err != nil {
		return store.Grant{}, false, err
	}
	g.cache.putGrant(gen, tenant, grantEntry{grant: gr})
	return gr, true, nil
}

func (g *Gateway) publish(ctx context.Context, c store.Change) {
	if err := g.d.Store.Publish(ctx, c); err != nil {
		// Other instances stop trusting their caches when the feed is down,
		// so a lost message cannot keep stale state alive.
		g.d.Logger.Warn("publishing lockbox change", zap.String("kind", string(c.Kind)), zap.Error(err))
	}
}

// lastSeen is this instance's latest activity in a session, so idle time
// is judged on what this instance saw as well as what the store has.
type lastSeen struct{ nanos atomic.Int64 }

func (g *Gateway) markSeen(id string, at time.Time) {
	v, ok := g.seen.Load(id)
	if !ok { // allocate only for a session this instance has not seen yet
		v, _ = g.seen.LoadOrStore(id, &lastSeen{})
	}
	ls := v.(*lastSeen)
	for {
		old := ls.nanos.Load()
		if old >= at.UnixNano() || ls.nanos.CompareAndSwap(old, at.UnixNano()) {
			return
		}
	}
}

// idleSince returns the later of the store's and this instance's last
// activity in s.
func (g *Gateway) idleSince(s *store.Session) time.Time {
	last := s.LastSeen
	if v, ok := g.seen.Load(s.ID); ok {
		if local := time.Unix(0, v.(*lastSeen).nanos.Load()); local.After(last) {
			last = local
		}
	}
	return last
}
