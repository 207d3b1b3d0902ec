package instance

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/audit"
	"github.com/lockbox-gw/lockbox/internal/checkpoint"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/health"
	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/ratelimit"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/retention"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/store/redisstore"
	"github.com/lockbox-gw/lockbox/internal/sweep"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// Instance is one loaded configuration of the app: what every site
// shares. New opens it, Start and Stop run its background work, Close
// lets go of the pooled parts.
type Instance struct {
	cfg    Config
	set    settings
	logger *zap.Logger
	shared *zap.Logger

	rawStore store.Store // the store as opened
	store    store.Store // rawStore, publishing appended events
	held     bool
	grants   *grant.Service
	requests *request.Service // the instance's own, without a site's areas: sweeps
	audit    *audit.Writer
	keys     *token.Keys
	feed     *siteFeed
	limits   *ratelimit.Limits

	admins       *admins.Registry
	links        *adminlink.Links
	sessions     *adminlink.Sessions
	notifier     *notify.Notifier
	stopNotifier func()
	publisher    *currentNotifier // per store, shared across reloads
	sites        firstSite

	bg          background
	sweeper     *sweep.Sweeper
	mover       *retention.Mover // nil when nothing moves
	checkpoints *checkpoint.Service

	tokenTTL, sessionMax longest // the longest of the sites
	health               *health.Checker
	ready                *health.Readiness
}

// New checks cfg, then opens the store and its audit writer, or takes
// those a previous config opened, and sets up the signing keys, the
// tenant admin parts, the notifier, retention and health checks. It
// contacts nothing. A failed New holds nothing.
func New(cfg Config) (*Instance, error) {
	set, err := cfg.settings()
	if err != nil {
		return nil, err
	}
	i := &Instance{cfg: cfg, set: set, logger: orNop(cfg.Logger), shared: orNop(cfg.SharedLogger)}
	i.limits = ratelimit.New(set.limits)
	if err := i.openStore(); err != nil {
		return nil, err
	}
	for _, setUp := range []func() error{i.setUpKeys, i.setUpAccess, i.setUpRetention} {
		if err := setUp(); err != nil {
			return nil, errors.Join(err, i.Close())
		}
	}
	i.setUpHealth()
	return i, nil
}

// unwrapStore returns the backend under the store's instrumentation.
func unwrapStore(st store.Store) store.Store {
	for {
		w, ok := st.(interface{ Unwrap() store.Store })
		if !ok {
			return st
		}
		st = w.Unwrap()
	}
}

func orNop(l *zap.Logger) *zap.Logger {
	if l == nil {
		return zap.NewNop()
	}
	return l
}

// openStore opens the store, or takes the one a previous config opened,
// and wraps it so appended events are published as notifications; the
// audit writer appends through the same wrapper.
func (i *Instance) openStore() error {
	key := i.set.key
	st, reused, err := acquireStore(key)
	if err != nil {
		return err
	}
	i.rawStore, i.held = st, true
	if rs, ok := unwrapStore(st).(*redisstore.Store); ok {
		i.limits.Share(ratelimit.NewShared(rs.Client()))
	}
	pp := acquirePublisher(key, st, i.shared.Named("notify"))
	i.store, i.publisher = pp.store, pp.pub
	i.grants = grant.New(i.store, nil)
	i.audit = acquireWriter(key, i.store, i.shared.Named("audit"))
	i.feed = &siteFeed{key: key, st: i.store, logger: i.shared.Named("feed")}
	i.logger.Info("lockbox store ready",
		zap.String("backend", key.backend),
		zap.String("where", key.where()),
		zap.Bool("reused", reused))
	return nil
}

// setUpKeys sets up the signing keys: those kept in the store, loaded on
// first use, or the one in SigningKeyFile.
func (i *Instance) setUpKeys() error {
	i.keys = token.NewKeys(i.store, nil)
	if i.cfg.SigningKeyFile == "" {
		return nil
	}
	if err := i.keys.LoadPEM(i.cfg.SigningKeyFile); err != nil {
		return fmt.Errorf("loading signing key: %v", err)
	}
	return nil
}

// setUpAccess builds what the sites share for tenant admins: the admin
// registry, signed links and admin sessions, the notifier and the sweep.
func (i *Instance) setUpAccess() error {
	i.admins = admins.New(i.store, nil)
	i.links = adminlink.NewLinks(i.store, nil)
	if f := i.cfg.LinkKeyFile; f != "" {
		if err := i.links.UseKeyFile(f); err != nil {
			return fmt.Errorf("loading admin link keys: %v", err)
		}
	}
	i.sessions = adminlink.NewSessions(i.store, i.links, 0, nil)
	n, err := i.newNotifier()
	if err != nil {
		return err
	}
	i.notifier = n
	i.publisher.n.CompareAndSwap(nil, n)
	if i.requests, err = i.Requests(nil); err != nil {
		return err
	}
	i.sweeper = &sweep.Sweeper{Grants: i.grants, Publisher: n, Requests: i.requests, Logger: i.logger}
	return nil
}

// Start starts the background work: sending notifications, recording
// grant expiries and warning of grants about to expire, moving old
// events, signing checkpoints, and loading the signing keys ahead of the
// first request.
func (i *Instance) Start() {
	i.startNotifier()
	i.startRetention()
	i.bg.start(i.sweeper.Run)
	if i.cfg.SigningKeyFile == "" {
		i.bg.start(i.warmKeys)
	}
}

// Stop stops the background work and the notifier's deliveries, which
// any worker sends later. The store and the audit writer stay open until
// Close: the next config may be using them and requests of this one may
// still be finishing.
func (i *Instance) Stop() {
	i.bg.stop()
	if i.stopNotifier != nil {
		i.stopNotifier()
		i.stopNotifier = nil
	}
}

// Close lets go of the audit writer, the feed and the store; the last
// config using them flushes pending audit events and closes the store.
// It may be called more than once.
func (i *Instance) Close() error {
	if !i.held {
		return nil
	}
	i.held = false
	key := i.set.key
	werr := writers.release(key)
	ferr := i.feed.release()
	perr := publishers.release(key)
	return errors.Join(werr, ferr, perr, stores.release(key))
}

// CheckReachable asks the store whether it answers, for a config check
// that must not call an unreachable store valid.
func (i *Instance) CheckReachable(ctx context.Context) error {
	key := i.set.key
	r := health.Probe(ctx, i.rawStore, key.backend)
	if r.Reachable {
		return nil
	}
	return fmt.Errorf("storage: the %s store at %s does not answer (%s); start it or fix the storage line", key.backend, key.where(), r.Error)
}
