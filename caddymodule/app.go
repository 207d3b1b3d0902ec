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

	"github.com/lockbox-gw/lockbox/internal/audit"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/token"
)

func init() {
	caddy.RegisterModule(App{})
}

// App is the lockbox app: what every site using Lockbox shares, the store
// of grants and audit events, the audit writer, and the signing keys of
// impersonation tokens.
type App struct {
	// Storage is where grants and the audit trail are kept. Default: the
	// bolt file lockbox.db in Caddy's data directory.
	Storage *Storage `json:"storage,omitempty"`

	// SigningKeyFile is a PEM file with the EC P-256 private key that signs
	// impersonation tokens, used in place of the keys Lockbox generates and
	// keeps in the store. Such a key is not rotated by Lockbox: replace the
	// file and reload instead. Placeholders are replaced when the config is
	// loaded.
	SigningKeyFile string `json:"signing_key_file,omitempty"`

	storage Storage // resolved: defaults applied, placeholders replaced
	store   store.Store
	grants  *grant.Service
	audit   *audit.Writer
	keys    *token.Keys
	key     poolKey
	held    bool
	logger  *zap.Logger

	tokenTTL   *longest    // the longest token lifetime of the sites
	bg         *background // loops from Start until Stop
	sweepEvery time.Duration
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
// the signing keys. Caddy validates only after provisioning, so Provision
// validates before opening anything. A failed Provision holds nothing.
func (a *App) Provision(ctx caddy.Context) error {
	a.logger = ctx.Logger()
	a.tokenTTL, a.bg = new(longest), new(background)
	a.storage = defaultStorage()
	if a.Storage != nil {
		a.storage = a.Storage.resolve(caddy.NewReplacer())
	}
	if err := a.Validate(); err != nil {
		return err
	}
	key, err := a.storage.key()
	if err != nil {
		return err
	}
	st, reused, err := acquireStore(key)
	if err != nil {
		return err
	}
	a.store, a.key, a.held = st, key, true
	a.grants = grant.New(st, nil)
	a.audit = acquireWriter(key, st)
	if err := a.provisionKeys(); err != nil {
		return errors.Join(err, a.Cleanup())
	}
	a.logger.Info("lockbox store ready",
		zap.String("backend", key.backend),
		zap.String("where", key.where()),
		zap.Bool("reused", reused))
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
func (a *App) Validate() error { return a.storage.validate() }

// Start starts the app's background work: recording grant expiries, and
// loading the signing keys ahead of the first request.
func (a *App) Start() error {
	a.bg.start(a.sweepExpiries)
	if a.SigningKeyFile == "" {
		a.bg.start(a.warmKeys)
	}
	return nil
}

// Stop stops the background work. The store and the audit writer stay
// open until Cleanup, because the next config may still be using them and
// requests of this one may still be finishing.
func (a *App) Stop() error {
	a.bg.stop()
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
	return errors.Join(werr, releaseStore(a.key))
}

// Store returns the store the app opened.
func (a *App) Store() store.Store { return a.store }

// Grants returns the grant service over the app's store.
func (a *App) Grants() *grant.Service { return a.grants }

// Audit returns the audit writer every site records events with.
func (a *App) Audit() *audit.Writer { return a.audit }

// Keys returns the signing keys of impersonation tokens.
func (a *App) Keys() *token.Keys { return a.keys }

// useTokenTTL notes the token lifetime of a site, so a key rotation keeps
// the previous key published as long as its tokens may live.
func (a *App) useTokenTTL(d time.Duration) { a.tokenTTL.note(d) }

// rotationMargin is added to the longest token lifetime when a rotated
// key is retired, for clock skew and tokens minted just before rotating.
const rotationMargin = time.Minute

// keyRetention is how long a key retired by a rotation stays published:
// the longest token lifetime in use (token.DefaultTTL when no site says)
// plus a margin.
func (a *App) keyRetention() time.Duration {
	ttl := a.tokenTTL.get()
	if ttl <= 0 {
		ttl = token.DefaultTTL
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
