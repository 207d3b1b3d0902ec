package caddymodule

import (
	"fmt"
	"net/http"

	"go.uber.org/zap"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/lockbox-gw/lockbox/internal/gateway"
	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/token"
)

func init() {
	caddy.RegisterModule(Handler{})
}

// Handler puts one site behind Lockbox: it removes client-sent identity
// headers from every request, serves Lockbox's own pages under Prefix
// (agent console, login, JWKS), and lets support agents into a tenant only
// under that tenant's grant, adding identity headers and a scoped JWT to
// what reaches the app. Shared state (store, keys, audit) comes from the
// lockbox app.
type Handler struct {
	// Prefix is where Lockbox's own pages and endpoints live. Default:
	// /_lockbox.
	Prefix string `json:"prefix,omitempty"`

	// HeaderPrefix starts the name of every identity header sent to the
	// app; client-sent headers with it are always removed. Default:
	// X-Lockbox-.
	HeaderPrefix string `json:"header_prefix,omitempty"`

	// OIDC is the vendor's identity provider that agents sign in with.
	// Required.
	OIDC *OIDC `json:"oidc,omitempty"`

	// Roles map the agents' groups to the scopes they may ever use. At
	// least one is required.
	Roles []Role `json:"roles,omitempty"`

	// SessionMax caps an agent login and an impersonation session.
	// Default: 8h.
	SessionMax caddy.Duration `json:"session_max,omitempty"`

	// IdleTimeout ends an impersonation session with no requests for this
	// long. Default: 30m.
	IdleTimeout caddy.Duration `json:"idle_timeout,omitempty"`

	// TokenTTL is the lifetime of an impersonation JWT, never past the
	// session's end. Default: 5m.
	TokenTTL caddy.Duration `json:"token_ttl,omitempty"`

	// Audience is the aud claim of the JWT, which the app checks. Default:
	// the host of Issuer.
	Audience string `json:"audience,omitempty"`

	// Issuer is the iss claim of the JWT and the base URL of the JWKS and
	// discovery document, such as https://app.example.com/_lockbox; its
	// path must be Prefix. The Caddyfile derives it from the site address;
	// JSON configs must set it, so it never depends on a request's Host.
	Issuer string `json:"issuer,omitempty"`

	// Deny lists requests refused to agents whatever the grant allows.
	Deny []DenyRule `json:"deny,omitempty"`

	// Areas name parts of the app a grant may be limited to: each name
	// (lowercase letters, digits, _ or -) maps to path patterns matched
	// like Deny paths. A grant limited to areas refuses every other path.
	Areas map[string][]string `json:"areas,omitempty"`

	// Landing is where an agent goes after entering a tenant. Default: /.
	Landing string `json:"landing,omitempty"`

	// TenantFrom says where the app names a request's tenant (host or
	// path); agents are then kept to their session's tenant.
	TenantFrom *TenantFrom `json:"tenant_from,omitempty"`

	gw *gateway.Gateway
}

// CaddyModule returns the Caddy module information.
func (Handler) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "http.handlers.lockbox",
		New: func() caddy.Module { return new(Handler) },
	}
}

// Provision builds the site's gateway over the lockbox app's shared parts
// and starts following the store's changes until the config is unloaded.
// It makes no network calls: the identity provider is discovered on the
// first login.
func (h *Handler) Provision(ctx caddy.Context) error {
	if err := h.Validate(); err != nil {
		return err
	}
	appModule, err := ctx.App("lockbox")
	if err != nil {
		return fmt.Errorf("loading the lockbox app: %v", err)
	}
	app, ok := appModule.(*App)
	if !ok {
		return fmt.Errorf("the lockbox app is a %T, not this plugin's", appModule)
	}
	s, err := h.resolve(caddy.NewReplacer())
	if err != nil {
		return err
	}
	gw, err := h.build(app, s, ctx.Logger())
	if err != nil {
		return err
	}
	app.NoteTokenTTL(s.minter.TTL)
	app.NoteSessionMax(s.gateway.SessionMax)
	h.gw = gw
	go gw.Run(ctx)
	return nil
}

// build wires the login service, the token minter, the site's access
// requests, the app API, the Support Access page and the gateway.
func (h *Handler) build(app *App, s settings, logger *zap.Logger) (*gateway.Gateway, error) {
	lg, err := login.New(s.login, app.Store())
	if err != nil {
		return nil, err
	}
	minter, err := token.NewMinter(app.Keys(), s.minter, nil)
	if err != nil {
		return nil, err
	}
	requests, err := app.Requests(s.gateway.Areas)
	if err != nil {
		return nil, fmt.Errorf("lockbox: %v", err)
	}
	api, page, err := tenantAdmin(app, s, requests, logger)
	if err != nil {
		return nil, err
	}
	cfg := s.gateway
	cfg.AuditBuffered = app.AuditBuffered()
	gw, err := gateway.New(cfg, gateway.Deps{
		Core: gateway.Core{
			Store: app.Store(), Grants: app.Grants(), Login: lg, Keys: app.Keys(), Minter: minter, Audit: app.Audit(),
		},
		Pages:    gateway.Pages{API: api, AdminPage: page},
		Requests: requests, Logger: logger, Limits: app.Limits(),
		Ops: ops(app, s.gateway.Issuer, logger), Feed: app.Feed(),
	})
	if err != nil {
		return nil, fmt.Errorf("lockbox: %v", err)
	}
	return gw, nil
}

// ServeHTTP runs the request through the gateway, which hands ordinary
// traffic and allowed agent requests on to next.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler) error {
	return h.gw.ServeHTTP(w, r, func(w http.ResponseWriter, r *http.Request) error {
		logRequestID(r, h.gw.RequestID(r))
		return next.ServeHTTP(w, r)
	})
}

// Interface guards
var (
	_ caddy.Provisioner           = (*Handler)(nil)
	_ caddy.Validator             = (*Handler)(nil)
	_ caddyhttp.MiddlewareHandler = (*Handler)(nil)
)
