// Package caddymodule plugs Lockbox into Caddy: the lockbox app (shared
// state such as the store), its Caddyfile global option, the lockbox HTTP
// handler, and the admin API and CLI commands. The product itself lives in
// internal/; this package only translates configuration and calls it.
package caddymodule

import (
	"errors"
	"net/http"

	"github.com/caddyserver/caddy/v2"

	"github.com/lockbox-gw/lockbox/internal/instance"
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

	// The running app, set by Provision; its accessors are the app's.
	*instance.Instance

	// ops is the app's ops API, set when the admin endpoint of its config
	// is provisioned.
	ops http.Handler
}

// CaddyModule returns the Caddy module information.
func (App) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "lockbox",
		New: func() caddy.Module { return new(App) },
	}
}

// Provision replaces the placeholders in the settings and opens the
// app: the store and its audit writer, or those a previous config
// opened, the signing keys and the tenant admin parts. Caddy validates
// only after provisioning, so the app is validated before anything is
// opened. A failed Provision holds nothing.
func (a *App) Provision(ctx caddy.Context) error {
	cfg, err := a.config(caddy.NewReplacer())
	if err != nil {
		return err
	}
	cfg.Logger, cfg.SharedLogger = ctx.Logger(), caddy.Log().Named("lockbox")
	inst, err := instance.New(cfg)
	if err != nil {
		return err
	}
	a.Instance = inst
	if err := errors.Join(a.checkStoreReachable(), a.registerMetrics(ctx)); err != nil {
		a.Instance = nil
		return errors.Join(err, inst.Close())
	}
	return nil
}

// Validate checks the settings, with placeholders replaced.
func (a *App) Validate() error {
	cfg, err := a.config(caddy.NewReplacer())
	if err != nil {
		return err
	}
	return cfg.Validate()
}

// Start starts the app's background work: sending notifications,
// recording grant expiries and warning of grants about to expire, and
// loading the signing keys ahead of the first request.
func (a *App) Start() error {
	a.Instance.Start()
	markRunning(a)
	return nil
}

// Stop stops the background work and the notifier's deliveries. The
// store and the audit writer stay open until Cleanup, because the next
// config may still be using them and requests of this one may still be
// finishing.
func (a *App) Stop() error {
	markStopped(a)
	a.Instance.Stop()
	return nil
}

// Cleanup releases the audit writer and the store; the last config using
// them flushes pending audit events and closes the store.
func (a *App) Cleanup() error {
	if a.Instance == nil {
		return nil
	}
	return a.Instance.Close()
}

// Interface guards
var (
	_ caddy.App          = (*App)(nil)
	_ caddy.Provisioner  = (*App)(nil)
	_ caddy.Validator    = (*App)(nil)
	_ caddy.CleanerUpper = (*App)(nil)
)
