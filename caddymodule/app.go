// Package caddymodule plugs Lockbox into Caddy: the lockbox app (shared
// state such as the store), its Caddyfile global option, the lockbox HTTP
// handler, and the admin API and CLI commands. The product itself lives in
// internal/; this package only translates configuration and calls it.
package caddymodule

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/caddyserver/caddy/v2"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/audit"
	"github.com/lockbox-gw/lockbox/internal/feed"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/health"
	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/ratelimit"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/siteconfig"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/sweep"
	"github.com/lockbox-gw/lockbox/internal/token"
)

func init() {
	caddy.RegisterModule(App{})
}

// App is the lockbox app: what every site using Lockbox shares, the store
// of grants and audit events, the audit writer, the signing keys of
// impersonation tokens, the tenants' admins with their signed links to
// the Support Access page, and the notifier that sends webhooks and
// emails.
type App struct {
	// Storage is where grants and the audit trail are kept. Default: the
	// bolt file lockbox.db in Caddy's data directory.
	Storage *Storage `json:"storage,omitempty"`

	auditSettings

	// SigningKeyFile is a PEM file with the EC P-256 private key that signs
	// impersonation tokens, used in place of the keys Lockbox generates and
	// keeps in the store. Such a key is not rotated by Lockbox: replace the
	// file and reload instead. Placeholders are replaced when the config is
	// loaded.
	SigningKeyFile string `json:"signing_key_file,omitempty"`

	// LinkKeyFile is a file with the keys that sign links to the Support
	// Access page, one per line in base64, the signing key first, used
	// in place of the key Lockbox generates and keeps in the store. Such
	// keys are not rotated by Lockbox: put a new key first, keep the old
	// one until its links expire, and reload. Placeholders are replaced
	// when the config is loaded.
	LinkKeyFile string `json:"link_key_file,omitempty"`

	// APIKeys are the bearer keys the upstream app calls the app API
	// with, two while rotating; none turns the API off. Placeholders such
	// as {env.LOCKBOX_API_KEY} are replaced when the config is loaded.
	APIKeys []string `json:"api_keys,omitempty"`

	// PublicBaseURL is the absolute http or https URL that admin links in
	// emails start with, such as https://app.example.com. Default: the
	// origin of the site's issuer.
	PublicBaseURL string `json:"public_url,omitempty"`

	// TenantAdminRoles are the registered admin roles that may grant and
	// revoke support access. Default: owner and admin.
	TenantAdminRoles []string `json:"admin_roles,omitempty"`

	// AdminLinkTTL is how long a signed admin link opens. Default: 24h.
	AdminLinkTTL caddy.Duration `json:"link_ttl,omitempty"`

	// GrantDurations are the grant lengths tenant admins may choose, such
	// as "1d" or "36h", and "standing" for a grant with no expiry.
	// Default: 1d, 7d, 28d and standing.
	GrantDurations []string `json:"grant_durations,omitempty"`

	// ApprovalsNeeded is how many different tenant admins must approve an
	// agent's access request before the grant exists. Default: 1.
	ApprovalsNeeded int `json:"approvals_needed,omitempty"`

	// RequestTTL is how long an access request waits for a decision
	// before it ends as expired. Default: 72h.
	RequestTTL caddy.Duration `json:"request_ttl,omitempty"`

	// Webhooks receive every support-access event, signed as Standard
	// Webhooks.
	Webhooks []Webhook `json:"webhooks,omitempty"`

	// SMTP is the server that emails tenant admins. Without it no email
	// is sent.
	SMTP *SMTP `json:"smtp,omitempty"`

	// NotifyBackoff are the delays after each failed delivery of a
	// webhook or email, the last repeating. Default: 5s, 30s, 2m, 10m,
	// 1h, 3h, 6h, 12h.
	NotifyBackoff []caddy.Duration `json:"notify_backoff,omitempty"`

	// RateLimit caps failed API key attempts and logins per client
	// address, and access requests per agent. Default: 10/m, 30/m, 5/h.
	RateLimit *RateLimit `json:"rate_limit,omitempty"`

	AuditArchiving

	storage  Storage     // resolved: defaults applied, placeholders replaced
	rawStore store.Store // the store as opened
	store    store.Store // rawStore, publishing appended events
	grants   *grant.Service
	requests *request.Service // the app's own, without a site's areas: sweeps
	audit    *audit.Writer
	keys     *token.Keys
	feed     *siteFeed // the store's change feed, once a site follows it
	key      poolKey
	held     bool
	logger   *zap.Logger

	access       accessSettings // resolved tenant admin settings
	admins       *admins.Registry
	links        *adminlink.Links
	sessions     *adminlink.Sessions
	notifier     *notify.Notifier
	stopNotifier func()
	publisher    *currentNotifier // per store, shared across reloads
	sites        *firstSite       // where admin links point without public_url

	tokenTTL *longest    // the longest token lifetime of the sites
	bg       *background // loops from Start until Stop
	sweeper  *sweep.Sweeper
	limits   *ratelimit.Limits

	sessionMax *longest          // the longest session of the sites, for metrics
	health     *health.Checker   // GET /lockbox/health
	ready      *health.Readiness // <prefix>/ready of every site
}

// CaddyModule returns the Caddy module information.
func (App) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "lockbox",
		New: func() caddy.Module { return new(App) },
	}
}

// Provision resolves placeholders in the settings and opens the store and
// its audit writer, or reuses those a previous config opened, then sets up
// the signing keys and the tenant admin parts. Caddy validates only after
// provisioning, so Provision validates before opening anything. A failed
// Provision holds nothing.
func (a *App) Provision(ctx caddy.Context) error {
	a.logger = ctx.Logger()
	a.tokenTTL, a.sessionMax, a.bg, a.sites = new(longest), new(longest), new(background), new(firstSite)
	repl := caddy.NewReplacer()
	a.storage = defaultStorage()
	if a.Storage != nil {
		a.storage = a.Storage.resolve(repl)
	}
	if err := a.Validate(); err != nil {
		return err
	}
	access, err := a.resolveAccess(repl)
	if err != nil {
		return err
	}
	limits, err := a.RateLimit.config()
	if err != nil {
		return err
	}
	a.limits = ratelimit.New(limits)
	a.access = access
	if err := a.provisionStore(); err != nil {
		return err
	}
	if err := errors.Join(a.checkStoreReachable(), a.provisionKeys(), a.provisionAccess(), a.provisionRetention(), a.registerMetrics(ctx)); err != nil {
		return errors.Join(err, a.Cleanup())
	}
	a.provisionHealth()
	return nil
}

// provisionStore opens the store, or takes the one a previous config
// opened, and wraps it so appended events are published as
// notifications; the audit writer appends through the same wrapper.
func (a *App) provisionStore() error {
	key, err := a.storage.key()
	if err != nil {
		return err
	}
	if key.backend == BackendRedis && a.AuditReplicas > 0 {
		key.replicas, key.replicaWait = a.AuditReplicas, a.replicaWait()
	}
	st, reused, err := acquireStore(key)
	if err != nil {
		return err
	}
	a.rawStore, a.key, a.held = st, key, true
	pp := acquirePublisher(key, st)
	a.store, a.publisher = pp.store, pp.pub
	a.grants = grant.New(a.store, nil)
	a.audit = acquireWriter(key, a.store)
	a.feed = &siteFeed{key: key, st: a.store}
	a.logger.Info("lockbox store ready",
		zap.String("backend", key.backend),
		zap.String("where", key.where()),
		zap.Bool("reused", reused))
	return nil
}

// provisionAccess builds what the sites share for tenant admins: the
// admin registry, signed links and admin sessions, and the notifier.
func (a *App) provisionAccess() error {
	a.admins = admins.New(a.store, nil)
	a.links = adminlink.NewLinks(a.store, nil)
	if err := a.useLinkKeyFile(); err != nil {
		return err
	}
	a.sessions = adminlink.NewSessions(a.store, a.links, 0, nil)
	n, err := a.newNotifier()
	if err != nil {
		return err
	}
	a.notifier = n
	a.publisher.useFirst(n)
	if a.requests, err = a.Requests(nil); err != nil {
		return err
	}
	a.sweeper = &sweep.Sweeper{Grants: a.grants, Publisher: n, Requests: a.requests, Logger: a.logger}
	return nil
}

// provisionKeys sets up the signing keys: those kept in the store, loaded
// on first use, or the one in SigningKeyFile.
func (a *App) provisionKeys() error {
	a.keys = token.NewKeys(a.store, nil)
	path := caddy.NewReplacer().ReplaceKnown(a.SigningKeyFile, "")
	if a.SigningKeyFile == "" {
		return nil
	}
	if path == "" {
		return errors.New("signing_key_file is empty once placeholders are replaced (is its environment variable set?)")
	}
	if err := a.keys.LoadPEM(path); err != nil {
		return fmt.Errorf("loading signing key: %v", err)
	}
	return nil
}

// Validate checks the storage settings, with placeholders resolved.
func (a *App) Validate() error {
	if err := a.storage.validate(); err != nil {
		return err
	}
	return a.auditSettings.validate(a.storage)
}

// Start starts the app's background work: sending notifications,
// recording grant expiries and warning of grants about to expire, and
// loading the signing keys ahead of the first request.
func (a *App) Start() error {
	a.startNotifier()
	a.startRetention()
	a.bg.start(a.sweeper.Run)
	if a.SigningKeyFile == "" {
		a.bg.start(a.warmKeys)
	}
	return nil
}

// Stop stops the background work and the notifier's deliveries, which
// any worker sends later. The store and the audit writer stay open until
// Cleanup, because the next config may still be using them and requests
// of this one may still be finishing.
func (a *App) Stop() error {
	a.bg.stop()
	if a.stopNotifier != nil {
		a.stopNotifier()
		a.stopNotifier = nil
	}
	return nil
}

// Cleanup releases the audit writer and the store; the last config using
// them flushes pending audit events and closes the store.
func (a *App) Cleanup() error {
	if !a.held {
		return nil
	}
	a.held = false
	werr := releaseWriter(a.key)
	ferr := a.feed.release()
	perr := releasePublisher(a.key)
	return errors.Join(werr, ferr, perr, releaseStore(a.key))
}

// Store returns the store the app opened, which publishes the events
// appended to it as notifications.
func (a *App) Store() store.Store { return a.store }

// Feed returns the store's change feed, which every site follows.
func (a *App) Feed() *feed.Feed { return a.feed.get() }

// Grants returns the grant service over the app's store.
func (a *App) Grants() *grant.Service { return a.grants }

// Audit returns the audit writer every site records events with.
func (a *App) Audit() *audit.Writer { return a.audit }

// AuditBuffered reports whether agent requests go on before their audit
// events are durable (audit buffered).
func (a *App) AuditBuffered() bool { return a.auditBuffered() }

// Keys returns the signing keys of impersonation tokens.
func (a *App) Keys() *token.Keys { return a.keys }

// useTokenTTL notes the token lifetime of a site, so a key rotation keeps
// the previous key published as long as its tokens may live.
func (a *App) useTokenTTL(d time.Duration) { a.tokenTTL.note(d) }

// rotationMargin is added to the longest token lifetime when a rotated
// key is retired, for clock skew and tokens minted just before rotating.
const rotationMargin = time.Minute

// keyRetention is how long a key retired by a rotation stays published:
// the longest token lifetime in use (siteconfig.DefaultTokenTTL when no site says)
// plus a margin.
func (a *App) keyRetention() time.Duration {
	ttl := a.tokenTTL.get()
	if ttl <= 0 {
		ttl = siteconfig.DefaultTokenTTL
	}
	return ttl + rotationMargin
}

// longest keeps the longest of the durations noted.
type longest struct {
	mu sync.Mutex
	d  time.Duration
}

func (l *longest) note(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.d = max(l.d, d)
}

func (l *longest) get() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.d
}

// Interface guards
var (
	_ caddy.App          = (*App)(nil)
	_ caddy.Provisioner  = (*App)(nil)
	_ caddy.Validator    = (*App)(nil)
	_ caddy.CleanerUpper = (*App)(nil)
)
