package caddymodule

import (
	"errors"
	"net/http"

	"go.uber.org/zap"

	"github.com/caddyserver/caddy/v2"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/opsapi"
	"github.com/lockbox-gw/lockbox/internal/problem"
)

func init() {
	caddy.RegisterModule(adminAPI{})
}

// adminAPI serves the ops API (grants, audit, sessions, key rotation,
// tenants' admins and their links, and webhook tests, used by the CLI) on
// Caddy's admin endpoint, which listens on loopback by default.
type adminAPI struct {
	logger *zap.Logger
}

// CaddyModule returns the Caddy module information.
func (adminAPI) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "admin.api.lockbox",
		New: func() caddy.Module { return new(adminAPI) },
	}
}

// Provision finds the lockbox app without creating one that is not in the
// config and gives it its ops API. An app that fails to provision is not
// reported here: loading the apps reports it, with a clearer message.
func (a *adminAPI) Provision(ctx caddy.Context) error {
	a.logger = ctx.Logger(a)
	appModule, err := ctx.AppIfConfigured("lockbox")
	if errors.Is(err, caddy.ErrNotConfigured) {
		setDown(errNotConfigured)
		return nil
	}
	app, ok := appModule.(*App)
	if err != nil || !ok {
		a.logger.Debug("lockbox app unavailable to the admin API", zap.Error(err))
		setDown(errNotLoaded)
		return nil
	}
	setOps(app, opsapi.New(app.Grants(), opsOptions(app, a.logger)...))
	setDown(errNotRunning)
	return nil
}

// opsOptions gives the ops API the app's parts. The public URL and the
// prefix are read at each request: they may come from a site, which is
// provisioned after the admin endpoint.
func opsOptions(app *App, logger *zap.Logger) []opsapi.Option {
	return []opsapi.Option{
		opsapi.WithLogger(logger),
		opsapi.WithKeys(app.Keys(), app.KeyRetention),
		opsapi.WithAdmins(app.Admins()),
		opsapi.WithLinks(app.Links(), opsapi.LinkSettings{
			PublicURL: app.PublicURL,
			Prefix:    app.LinkPrefix,
			TTL:       app.LinkTTL(),
			Roles:     app.AdminRoles(),
			Areas:     app.LinkAreas,
		}),
		opsapi.WithNotifier(app.Notifier()),
		opsapi.WithRequests(app.AccessRequests()),
		opsapi.WithAreas(app.SiteAreas),
		opsapi.WithRetention(app.RetentionStatus),
	}
}

// Routes returns the admin routes of the ops API.
func (a *adminAPI) Routes() []caddy.AdminRoute {
	return []caddy.AdminRoute{{
		Pattern: opsapi.Prefix,
		Handler: caddy.AdminHandlerFunc(a.serve),
	}, {
		Pattern: healthPath,
		Handler: caddy.AdminHandlerFunc(a.serveHealth),
	}}
}

// serve hands the request to the running app's ops API, which writes its
// own JSON errors, so nothing is returned to Caddy's error handling.
func (a *adminAPI) serve(w http.ResponseWriter, r *http.Request) error {
	_, ops, down := runningApp()
	if ops == nil {
		httpjson.WriteError(w, down)
		return nil
	}
	ops.ServeHTTP(w, r)
	return nil
}

// Answers while there is no working lockbox app.
var (
	errNotConfigured = problem.New(problem.Unavailable, "not_configured",
		"Lockbox is not configured: add a lockbox block to the global options of the Caddyfile")
	// Caddy replaces the admin endpoint before it loads the apps, so after
	// a config that failed to load this answers until a good one is loaded.
	errNotLoaded = problem.New(problem.Unavailable, "not_configured",
		"the Lockbox configuration failed to load; see Caddy's log, fix the config and load it again")
	// A config whose app provisioned and then failed to start, or is
	// still starting.
	errNotRunning = problem.New(problem.Unavailable, "not_configured",
		"Lockbox is not running: its configuration is still loading or failed to start; see Caddy's log")
)

// Interface guards
var (
	_ caddy.AdminRouter = (*adminAPI)(nil)
	_ caddy.Provisioner = (*adminAPI)(nil)
)
