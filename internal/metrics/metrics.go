// Package metrics defines Lockbox's Prometheus metrics. The counters and
// histograms live for the whole process, so they keep counting across
// config reloads; Register adds them to a registry (Caddy's, one per
// loaded config). Every method is safe on a nil *Metrics or *Site, which
// record nothing, so code paths and tests without metrics need no checks.
//
// No metric has a tenant, agent, session or path label: those are
// unbounded. Sites, outcomes, reasons, backends, operations and channels
// are bounded by the configuration and the code.
package metrics

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

const namespace = "lockbox"

// Metrics are the process's counters and histograms.
type Metrics struct {
	agentRequests  *prometheus.CounterVec
	logins         *prometheus.CounterVec
	grants         *prometheus.CounterVec
	accessRequests *prometheus.CounterVec
	storeOps       *prometheus.HistogramVec
	storeErrors    *prometheus.CounterVec
	auditWrites    prometheus.Histogram
}

// New returns the metrics, registered nowhere yet.
func New() *Metrics {
	return (&Metrics{
		agentRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "agent_requests_total",
			Help: "Requests of agents in a tenant, by site and outcome (allowed, denied, unavailable) and, unless allowed, the reason.",
		}, []string{"site", "outcome", "reason"}),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "logins_total",
			Help: "Agent sign-ins finished, by site and outcome (success, no_role, refused, unavailable).",
		}, []string{"site", "outcome"}),
		grants: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "grants_total",
			Help: "Grant events recorded by this instance: created, revoked, expired, replaced, extended.",
		}, []string{"event"}),
		accessRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "access_requests_total",
			Help: "Access requests reaching a state on this instance: created, approved, denied, expired.",
		}, []string{"state"}),
		storeOps: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "store_operation_duration_seconds",
			Help:    "Time of each store operation, by backend and operation.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"backend", "operation"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "store_errors_total",
			Help: "Store operations that failed for a reason other than a missing or already ended record, by backend and operation.",
		}, []string{"backend", "operation"}),
		auditWrites: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: namespace, Name: "audit_write_duration_seconds",
			Help:    "Time of each batched write of audit events to the store.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}),
	}).init()
}

// init creates the series of every known label value, so each family
// is scraped from the start, at zero.
func (m *Metrics) init() *Metrics {
	for e := range grantEvents {
		m.grants.WithLabelValues(e)
	}
	for st := range requestStates {
		m.accessRequests.WithLabelValues(st)
	}
	return m
}

// Register adds the metrics to reg. Registering them again in the same
// registry is no error.
func (m *Metrics) Register(reg prometheus.Registerer) error {
	if m == nil || reg == nil {
		return nil
	}
	for _, c := range []prometheus.Collector{m.agentRequests, m.logins, m.grants, m.accessRequests, m.storeOps, m.storeErrors, m.auditWrites} {
		if err := reg.Register(c); err != nil && !errors.As(err, new(prometheus.AlreadyRegisteredError)) {
			return err
		}
	}
	return nil
}
