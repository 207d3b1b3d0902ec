// Package gateway is Lockbox's request path, free of Caddy: it scrubs
// identity headers from every request, serves Lockbox's own pages under
// its prefix, and runs agent requests through the checks of an
// impersonation session (grant, timeouts, deny rules, scopes) before they
// reach the app with identity headers and a scoped JWT.
package gateway

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/feed"
	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Defaults for Config.
const (
	DefaultPrefix      = "/_lockbox"
	DefaultIdleTimeout = 30 * time.Minute
	DefaultLanding     = "/"
)

// Config is one site's Lockbox settings.
type Config struct {
	// Prefix is where Lockbox's own routes live; default /_lockbox.
	Prefix string
	// HeaderPrefix starts every identity header; default X-Lockbox-.
	HeaderPrefix string
	// SessionMax caps an impersonation session; default login.DefaultSessionMax.
	SessionMax time.Duration
	// IdleTimeout ends a session with no requests for this long; default 30m.
	IdleTimeout time.Duration
	// Landing is where the agent goes after entering a tenant; default /.
	Landing string
	// Rules are actions refused to agents whatever the grant says.
	Rules policy.Rules
	// Areas name parts of the app a grant may be limited to.
	Areas policy.Areas
	// Issuer is the token issuer published in the discovery document.
	Issuer string
	// AuditBuffered lets agent requests, refusals included, go on before
	// their audit events are durable (audit buffered); the default, audit
	// strict, waits for them.
	AuditBuffered bool
	// TenantFrom, when set, says where requests name their tenant (host
	// or path); see TenantFrom.
	TenantFrom *TenantFrom
}

// Next is the rest of the handler chain (the app, via reverse_proxy).
type Next func(http.ResponseWriter, *http.Request) error

// Gateway serves one site.
type Gateway struct {
	mux   http.Handler // Lockbox's routes under the prefix (routes.go)
	cfg   Config
	d     Deps
	scrub *policy.Scrubber
	names headerNames
	cache *cache
	// tenants is nil unless the site names tenants by host or path.
	tenants *tenants
	seen    sync.Map // session id -> *lastSeen, activity seen by this instance
	live    *live    // agent requests in flight, cut when their session ends
}

// New checks cfg, fills in defaults and returns a gateway.
func New(cfg Config, d Deps) (*Gateway, error) {
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	cfg.Prefix = "/" + strings.Trim(cfg.Prefix, "/")
	if cfg.HeaderPrefix == "" {
		cfg.HeaderPrefix = policy.DefaultPrefix
	}
	if cfg.SessionMax <= 0 {
		cfg.SessionMax = login.DefaultSessionMax
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.Landing == "" {
		cfg.Landing = DefaultLanding
	}
	if err := d.Core.check(); err != nil {
		return nil, err
	}
	if d.Logger == nil {
		d.Logger = zap.NewNop()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	scrub, err := policy.NewScrubber(cfg.HeaderPrefix)
	if err != nil {
		return nil, err
	}
	tn, err := newTenants(cfg.TenantFrom, cfg.Issuer)
	if err != nil {
		return nil, err
	}
	g := &Gateway{cfg: cfg, d: d, scrub: scrub, names: newHeaderNames(cfg.HeaderPrefix), cache: newCache(), tenants: tn, live: newLive()}
	if g.mux, err = g.newRoutes(); err != nil {
		return nil, err
	}
	return g, nil
}

// Run follows the store's change feed until ctx ends, so cached grants and
// sessions are dropped and open connections of ended sessions cut the
// moment they change anywhere, and sweeps sessions that should have ended.
func (g *Gateway) Run(ctx context.Context) {
	go g.sweepLoop(ctx)
	if g.d.Feed != nil {
		defer g.d.Feed.Subscribe(g.observe, g.cache.distrust)()
		<-ctx.Done()
		return
	}
	f := feed.New(g.d.Store, func(err error) {
		g.d.Logger.Error("watching lockbox store changes", zap.Error(err))
	})
	defer f.Subscribe(g.observe, g.cache.distrust)()
	f.Run(ctx)
}

// observe is the change-feed callback: it drops cached state, tells the
// signing keys, and cuts open connections of sessions that ended.
func (g *Gateway) observe(c store.Change) {
	g.cache.apply(c)
	g.d.Keys.Observe(c)
	g.observeLive(c)
}

// ServeHTTP handles one request. Ordinary traffic (no Lockbox session
// cookie) costs the edge checks and a cookie scan, then goes on with
// nothing of Lockbox's left in it.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request, next Next) error {
	if !g.edge(w, r) {
		return nil
	}
	if path, ok := g.own(r.URL.Path); ok {
		if g.onTenantHost(r) && !tenantHostRoutes[path] {
			g.toLoginHost(w, r)
			return nil
		}
		g.mux.ServeHTTP(w, r)
		return nil
	}
	if !login.HasCookie(r) {
		stripCookies(r)
		return next(w, r)
	}
	return g.serveAgent(w, r, next)
}

// own reports whether path is one of Lockbox's routes and returns it
// relative to the prefix ("" or "/..." ).
func (g *Gateway) own(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, g.cfg.Prefix)
	if !ok || (rest != "" && rest[0] != '/') {
		return "", false
	}
	return rest, true
}

func (g *Gateway) now() time.Time { return g.d.Now().UTC() }
