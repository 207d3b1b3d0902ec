package caddymodule

import (
	"net/http"
	"net/url"

	"go.uber.org/zap"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/lockbox-gw/lockbox/internal/gateway"
)

// userIDVar is the variable Caddy's access log reads its user_id from.
const userIDVar = "http.auth.user.id"

// decisionsLogger is the name, under the handler's logger, of the log of
// every agent request's allow or refusal.
const decisionsLogger = "decisions"

// registerMetrics adds Lockbox's metrics to the config's registry, with
// gauges that read this app's state at each scrape.
func (a *App) registerMetrics(ctx caddy.Context) error {
	reg := ctx.GetMetricsRegistry()
	if reg == nil {
		return nil
	}
	return a.RegisterMetrics(reg)
}

// siteName is the site's label in metrics and decision logs: the host of
// its issuer, which the config fixes.
func siteName(issuer string) string {
	if u, err := url.Parse(issuer); err == nil && u.Host != "" {
		return u.Host
	}
	return issuer
}

// ops are the operator hooks of a site's gateway.
func ops(app *App, issuer string, logger *zap.Logger) gateway.Ops {
	site := siteName(issuer)
	return gateway.Ops{
		Site:      site,
		Metrics:   app.SiteMetrics(site),
		Decisions: logger.Named(decisionsLogger),
		SetUser:   setUser,
		Ready:     app.Readiness(),
	}
}

// setUser names the agent in Caddy's access log (user_id), which reads it
// from the replacer, as the vars handler and basic_auth set it.
func setUser(r *http.Request, user string) {
	caddyhttp.SetVar(r.Context(), userIDVar, user)
	if repl, ok := r.Context().Value(caddy.ReplacerCtxKey).(*caddy.Replacer); ok {
		repl.Set(userIDVar, user)
	}
}
