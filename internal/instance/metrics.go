package instance

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lockbox-gw/lockbox/internal/health"
	"github.com/lockbox-gw/lockbox/internal/metrics"
	"github.com/lockbox-gw/lockbox/internal/siteconfig"
)

// processMetrics are the process's counters and histograms: they outlive
// config reloads, like the pooled stores they count, and are registered
// in each loaded config's registry.
var processMetrics = metrics.New()

// RegisterMetrics adds Lockbox's metrics to a config's registry, with
// gauges that read this instance's state at each scrape.
func (i *Instance) RegisterMetrics(reg prometheus.Registerer) error {
	if err := processMetrics.Register(reg); err != nil {
		return fmt.Errorf("registering lockbox metrics: %v", err)
	}
	if err := reg.Register(metrics.NewGauges(i.readings())); err != nil {
		return fmt.Errorf("registering lockbox gauges: %v", err)
	}
	return nil
}

// SiteMetrics returns the counters of the site named name.
func (i *Instance) SiteMetrics(name string) *metrics.Site { return processMetrics.Site(name) }

// NoteSessionMax notes the longest a session of a site may last, for
// the open sessions gauge.
func (i *Instance) NoteSessionMax(d time.Duration) { i.sessionMax.note(d) }

// readings are the gauges, read at each scrape and health check.
func (i *Instance) readings() metrics.Readings {
	return metrics.StoreReadings(i.store, i.rawStore, i.audit.Pending, i.longestSession)
}

// longestSession is the longest a session of any site may last.
func (i *Instance) longestSession() time.Duration {
	if d := i.sessionMax.get(); d > 0 {
		return d
	}
	return siteconfig.DefaultSessionMax
}

// setUpHealth sets up the health checks over the instance's parts.
func (i *Instance) setUpHealth() {
	r := i.readings()
	i.health = &health.Checker{
		Store: i.store, Backend: i.set.storage.Backend,
		FeedAge:     r.FeedAge,
		AuditQueued: i.audit.Pending, AuditCapacity: i.audit.Capacity,
		Outbox: r.Outbox,
		Keys:   i.keys, KeyFromFile: i.cfg.SigningKeyFile != "",
	}
	i.ready = health.NewReadiness(i.health)
}

// Health returns the health report's checker.
func (i *Instance) Health() *health.Checker { return i.health }

// Readiness returns the readiness check every site's ready route serves.
func (i *Instance) Readiness() *health.Readiness { return i.ready }
