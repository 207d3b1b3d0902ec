package metrics

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Readings are the values read when Prometheus scrapes, from the config
// running. A nil func leaves its metric out.
type Readings struct {
	// ActiveSessions counts the impersonation sessions open in the store.
	ActiveSessions func(ctx context.Context) (int, error)
	// AuditQueue is how many audit events wait to be written.
	AuditQueue func() int
	// FeedAge is how long ago the change feed was last heard from; false
	// while nothing follows it.
	FeedAge func() (time.Duration, bool)
	// Outbox counts the notifications waiting (pending) and given up
	// (failed) by channel.
	Outbox func(ctx context.Context) ([]OutboxCount, error)
}

// OutboxCount is how many notifications of one channel are in one state.
type OutboxCount struct {
	Channel, State string
	N              int
}

// Timing of the readings that go to the store: each scrape waits at most
// readTimeout for them, and a result is reused for readEvery, so frequent
// scrapes by several Prometheus servers cost the store little.
const (
	readTimeout = 2 * time.Second
	readEvery   = 5 * time.Second
)

var (
	descSessions = prometheus.NewDesc(namespace+"_sessions_active",
		"Impersonation sessions open in the store (the same on every instance sharing it).", nil, nil)
	descAuditQueue = prometheus.NewDesc(namespace+"_audit_queue_depth",
		"Audit events recorded on this instance and not yet written to the store.", nil, nil)
	descFeedAge = prometheus.NewDesc(namespace+"_change_feed_age_seconds",
		"Time since this instance last heard the store's change feed (a change or a heartbeat).", nil, nil)
	descOutbox = prometheus.NewDesc(namespace+"_outbox_notifications",
		"Webhooks and emails waiting to be sent (pending) or given up (failed, kept 30 days), by channel (the same on every instance sharing the store).",
		[]string{"channel", "state"}, nil)
)

// Gauges is a prometheus.Collector of Readings.
type Gauges struct {
	r Readings

	mu       sync.Mutex
	readAt   time.Time
	sessions *int
	outbox   []OutboxCount
	outboxOK bool
}

// NewGauges returns a collector of r, for one config's registry.
func NewGauges(r Readings) *Gauges { return &Gauges{r: r} }

// Describe implements prometheus.Collector.
func (g *Gauges) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descSessions, descAuditQueue, descFeedAge, descOutbox} {
		ch <- d
	}
}

// Collect implements prometheus.Collector. A reading that fails is left
// out of the scrape rather than reported as zero.
func (g *Gauges) Collect(ch chan<- prometheus.Metric) {
	if g.r.AuditQueue != nil {
		ch <- prometheus.MustNewConstMetric(descAuditQueue, prometheus.GaugeValue, float64(g.r.AuditQueue()))
	}
	if g.r.FeedAge != nil {
		if age, ok := g.r.FeedAge(); ok {
			ch <- prometheus.MustNewConstMetric(descFeedAge, prometheus.GaugeValue, age.Seconds())
		}
	}
	sessions, outbox, outboxOK := g.stored()
	if sessions != nil {
		ch <- prometheus.MustNewConstMetric(descSessions, prometheus.GaugeValue, float64(*sessions))
	}
	if outboxOK {
		for _, c := range outbox {
			ch <- prometheus.MustNewConstMetric(descOutbox, prometheus.GaugeValue, float64(c.N), c.Channel, c.State)
		}
	}
}

// stored returns the readings that go to the store, read again when the
// last read is older than readEvery.
func (g *Gauges) stored() (*int, []OutboxCount, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if time.Since(g.readAt) < readEvery {
		return g.sessions, g.outbox, g.outboxOK
	}
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	g.readAt, g.sessions, g.outbox, g.outboxOK = time.Now(), nil, nil, false
	if g.r.ActiveSessions != nil {
		if n, err := g.r.ActiveSessions(ctx); err == nil {
			g.sessions = &n
		}
	}
	if g.r.Outbox != nil {
		var err error
		g.outbox, err = g.r.Outbox(ctx)
		g.outboxOK = err == nil
	}
	return g.sessions, g.outbox, g.outboxOK
}
