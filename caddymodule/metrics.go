package caddymodule

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"go.uber.org/zap"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/lockbox-gw/lockbox/internal/gateway"
	"github.com/lockbox-gw/lockbox/internal/metrics"
	"github.com/lockbox-gw/lockbox/internal/siteconfig"
)

// lockboxMetrics are the process's counters and histograms: they outlive
// config reloads, like the pooled stores they count, and are registered
// in each loaded config's registry, which the admin endpoint's /metrics
// serves beside Caddy's own.
var lockboxMetrics = metrics.New()

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
	if err := lockboxMetrics.Register(reg); err != nil {
		return fmt.Errorf("registering lockbox metrics: %v", err)
	}
	if err := reg.Register(metrics.NewGauges(a.readings())); err != nil {
		return fmt.Errorf("registering lockbox gauges: %v", err)
	}
	return nil
}

// readings are the app's gauges, read at each scrape and health check.
func (a *App) readings() metrics.Readings {
	return metrics.StoreReadings(a.store, a.rawStore, a.audit.Pending, a.longestSession)
}

// longestSession is the longest a session of any site may last.
func (a *App) longestSession() time.Duration {
	if d := a.sessionMax.get(); d > 0 {
		return d
	}
	return siteconfig.DefaultSessionMax
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
		Metrics:   lockboxMetrics.Site(site),
		Decisions: logger.Named(decisionsLogger),
		SetUser:   setUser,
		Ready:     app.ready,
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
