package caddymodule

import (
	"fmt"
	"net/http"

	"go.uber.org/zap"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/lockbox-gw/lockbox/internal/gateway"
	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/siteconfig"
	"github.com/lockbox-gw/lockbox/internal/token"
	"github.com/lockbox-gw/lockbox/internal/websession"
)

func init() {
	caddy.RegisterModule(Handler{})
}

// Handler puts one site behind Lockbox: it removes client-sent identity
// headers from every request, serves Lockbox's own pages under Prefix
// (agent console, login, JWKS), and lets support agents into a tenant only
// under that tenant's grant, adding identity headers and a scoped JWT to
// what reaches the app. Shared state (store, keys, audit) comes from the
// lockbox app. Its fields, their defaults and their checks are those of
// siteconfig.Config.
type Handler struct {
	siteconfig.Config

	gw *gateway.Gateway
}

// CaddyModule returns the Caddy module information.
func (Handler) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "http.handlers.lockbox",
		New: func() caddy.Module { return new(Handler) },
	}
}

// Validate checks the settings that need no placeholders replaced.
func (h *Handler) Validate() error { return h.Config.Validate() }

// Provision builds the site's gateway over the lockbox app's shared parts
// and starts following the store's changes until the config is unloaded.
// It makes no network calls: the identity provider is discovered on the
// first login.
func (h *Handler) Provision(ctx caddy.Context) error {
	repl := caddy.NewReplacer()
	s, err := h.Resolve(func(v string) string { return repl.ReplaceKnown(v, "") })
	if err != nil {
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
	gw, err := h.build(app, s, ctx.Logger())
	if err != nil {
		return err
	}
	app.NoteTokenTTL(s.Minter.TTL)
	app.NoteSessionMax(s.Gateway.SessionMax)
	h.gw = gw
	go gw.Run(ctx)
	return nil
}

// build wires the login service, the token minter, the site's access
// requests, the app API, the Support Access page and the gateway.
func (h *Handler) build(app *App, s siteconfig.Settings, logger *zap.Logger) (*gateway.Gateway, error) {
	lg, err := login.New(s.Login, app.Store())
	if err != nil {
		return nil, err
	}
	minter, err := token.NewMinter(app.Keys(), s.Minter, nil)
	if err != nil {
		return nil, err
	}
	requests, err := app.Requests(s.Gateway.Areas)
	if err != nil {
		return nil, fmt.Errorf("lockbox: %v", err)
	}
	api, page, err := tenantAdmin(app, s, requests, logger)
	if err != nil {
		return nil, err
	}
	cfg := s.Gateway
	cfg.AuditBuffered = app.AuditBuffered()
	gw, err := gateway.New(cfg, gateway.Deps{
		Core: gateway.Core{
			Store: app.Store(), Grants: app.Grants(), Login: lg, Keys: app.Keys(), Minter: minter, Audit: app.Audit(),
		},
		Pages:    gateway.Pages{API: api, AdminPage: page},
		Requests: requests, Logger: logger, Limits: app.Limits(),
		Ops: ops(app, s.Gateway.Issuer, logger), Feed: app.Feed(),
	})
	if err != nil {
		return nil, fmt.Errorf("lockbox: %v", err)
	}
	return gw, nil
}

// ServeHTTP runs the request through the gateway, which hands ordinary
// traffic and allowed agent requests on to next. A request that a proxy
// in Caddy's trusted_proxies says it received over HTTPS counts as HTTPS.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler) error {
	if r.TLS == nil && websession.ForwardedHTTPS(r.Header) {
		if trusted, _ := caddyhttp.GetVar(r.Context(), caddyhttp.TrustedProxyVarKey).(bool); trusted {
			r = r.WithContext(websession.WithForwardedTLS(r.Context()))
		}
	}
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
