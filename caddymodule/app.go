// Package caddymodule plugs Lockbox into Caddy: the lockbox app (shared
// state such as the store), its Caddyfile global option, and its admin API.
// The product itself lives in internal/; this package only translates
// configuration and calls it.
package caddymodule

import (
	"go.uber.org/zap"

	"github.com/caddyserver/caddy/v2"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/store"
)

func init() {
	caddy.RegisterModule(App{})
}

// App is the lockbox app: what every site using Lockbox shares, starting
// with the store of grants and audit events.
type App struct {
	// Storage is where grants and the audit trail are kept. Default: the
	// bolt file lockbox.db in Caddy's data directory.
	Storage *Storage `json:"storage,omitempty"`

	storage Storage // resolved: defaults applied, placeholders replaced
	store   store.Store
	grants  *grant.Service
	key     poolKey
	held    bool
	logger  *zap.Logger
}

// CaddyModule returns the Caddy module information.
func (App) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "lockbox",
		New: func() caddy.Module { return new(App) },
	}
}

// Provision resolves placeholders in the storage settings and opens the
// store, or reuses the one a previous config opened. Caddy validates only
// after provisioning, so Provision validates before opening anything.
func (a *App) Provision(ctx caddy.Context) error {
	a.logger = ctx.Logger()
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
	a.logger.Info("lockbox store ready",
		zap.String("backend", key.backend),
		zap.String("where", key.where()),
		zap.Bool("reused", reused))
	return nil
}

// Validate checks the storage settings, with placeholders resolved.
func (a *App) Validate() error { return a.storage.validate() }

// Start starts the app. There is no background work yet.
func (a *App) Start() error { return nil }

// Stop stops the app. The store stays open until Cleanup, because the next
// config may still be using it.
func (a *App) Stop() error { return nil }

// Cleanup releases the store; the last config using it closes it.
func (a *App) Cleanup() error {
	if !a.held {
		return nil
	}
	a.held = false
	return releaseStore(a.key)
}

// Store returns the store the app opened.
func (a *App) Store() store.Store { return a.store }

// Grants returns the grant service over the app's store.
func (a *App) Grants() *grant.Service { return a.grants }

// Interface guards
var (
	_ caddy.App          = (*App)(nil)
	_ caddy.Provisioner  = (*App)(nil)
	_ caddy.Validator    = (*App)(nil)
	_ caddy.CleanerUpper = (*App)(nil)
)
