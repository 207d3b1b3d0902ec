// Package health tells operators whether this Lockbox instance can serve
// agents: its store answers, its change feed is heard, its audit queue
// has room and its signing key loads. Check builds the report the admin
// API's /lockbox/health serves and `lockbox status` prints; Ready is the
// yes or no a load balancer gets.
package health

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lockbox-gw/lockbox/internal/metrics"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// Overall states of a Report.
const (
	// StatusOK: everything works.
	StatusOK = "ok"
	// StatusDegraded: agents are served, but something needs a look (a
	// silent change feed makes every request read the store; a backlog
	// of notifications).
	StatusDegraded = "degraded"
	// StatusUnavailable: agents would be refused.
	StatusUnavailable = "unavailable"
)

// Bounds of the checks.
const (
	// StoreTimeout bounds the store's answer to the health probe.
	StoreTimeout = 2 * time.Second
	// FeedStale is how long without a message (heartbeats come every
	// 250 ms) before the change feed counts as silent.
	FeedStale = 2 * time.Second
)

// probeKind and probeID name a record that is never written: reading it
// costs the store one lookup and answers "not found".
const (
	probeKind = "health"
	probeID   = "probe"
)

// Checker checks one instance. Every field but Store may be nil.
type Checker struct {
	// Store is the store to probe; Backend names it.
	Store   store.Store
	Backend string
	// FeedAge is how long ago the change feed was last heard from; false
	// while no site follows it.
	FeedAge func() (time.Duration, bool)
	// AuditQueued and AuditCapacity are the audit writer's queue and room.
	AuditQueued, AuditCapacity func() int
	// Outbox counts pending and failed notifications by channel.
	Outbox func(ctx context.Context) ([]metrics.OutboxCount, error)
	// Keys are the signing keys; KeyFromFile says they come from
	// signing_key_file rather than the store.
	Keys        *token.Keys
	KeyFromFile bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Report is an instance's health.
type Report struct {
	Status     string      `json:"status"`
	Ready      bool        `json:"ready"`
	Problems   []string    `json:"problems,omitempty"`
	Store      StoreReport `json:"store"`
	ChangeFeed FeedReport  `json:"change_feed"`
	Audit      AuditReport `json:"audit"`
	Outbox     []Backlog   `json:"outbox"`
	Keys       KeyReport   `json:"keys"`
	CheckedAt  time.Time   `json:"checked_at"`
}

// StoreReport is the store's answer to the probe.
type StoreReport struct {
	Backend   string  `json:"backend"`
	Reachable bool    `json:"reachable"`
	LatencyMS float64 `json:"latency_ms"`
	Error     string  `json:"error,omitempty"`
}

// FeedReport is the change feed's state.
type FeedReport struct {
	Followed   bool    `json:"followed"`
	AgeSeconds float64 `json:"age_seconds"`
	Fresh      bool    `json:"fresh"`
}

// AuditReport is the audit writer's queue.
type AuditReport struct {
	Queued   int `json:"queued"`
	Capacity int `json:"capacity"`
}

// Backlog is how many notifications of a channel are in a state.
type Backlog struct {
	Channel string `json:"channel"`
	State   string `json:"state"`
	Count   int    `json:"count"`
}

// KeyReport is the signing key's state: "loaded", "unavailable", or
// "unknown" while the store cannot be asked.
type KeyReport struct {
	State  string `json:"state"`
	Source string `json:"source"`
	ID     string `json:"kid,omitempty"`
	Error  string `json:"error,omitempty"`
}

func (c *Checker) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Check probes everything and returns the report. It returns within about
// twice StoreTimeout however the store behaves.
func (c *Checker) Check(ctx context.Context) Report {
	r := Report{Status: StatusOK, Ready: true, CheckedAt: c.now().UTC(), Outbox: []Backlog{}}
	r.Store = c.probe(ctx)
	if !r.Store.Reachable {
		r.fail(StatusUnavailable, "the store cannot be reached: agents are refused")
	}
	r.ChangeFeed = c.feed()
	if r.ChangeFeed.Followed && !r.ChangeFeed.Fresh {
		r.fail(StatusDegraded, fmt.Sprintf("the change feed has been silent for %.1fs: every agent request reads the store", r.ChangeFeed.AgeSeconds))
	}
	r.Audit = c.audit()
	if r.Audit.Capacity > 0 && r.Audit.Queued >= r.Audit.Capacity {
		r.fail(StatusUnavailable, "the audit queue is full: agent requests wait for the store")
	}
	r.Keys = c.keys(r.Store.Reachable)
	if r.Keys.State == "unavailable" {
		r.fail(StatusUnavailable, "the signing key cannot be loaded: no token can be minted")
	}
	if r.Store.Reachable {
		c.outbox(ctx, &r)
	}
	return r
}

// fail notes a problem and lowers the status to at most status.
func (r *Report) fail(status, problem string) {
	r.Problems = append(r.Problems, problem)
	if status == StatusUnavailable {
		r.Ready = false
		r.Status = StatusUnavailable
	} else if r.Status == StatusOK {
		r.Status = status
	}
}

func (c *Checker) probe(ctx context.Context) StoreReport { return Probe(ctx, c.Store, c.Backend) }

// Probe asks the store for a record that does not exist, waiting at most
// StoreTimeout: "not found" is a healthy answer.
func Probe(ctx context.Context, s store.Store, backend string) StoreReport {
	ctx, cancel := context.WithTimeout(ctx, StoreTimeout)
	defer cancel()
	start := time.Now()
	_, err := s.GetRecord(ctx, probeKind, probeID)
	sr := StoreReport{Backend: backend, LatencyMS: float64(time.Since(start).Microseconds()) / 1000}
	if err == nil || errors.Is(err, store.ErrNotFound) {
		sr.Reachable = true
		return sr
	}
	sr.Error = errorClass(ctx, err)
	return sr
}

// errorClass says why the store failed without repeating its error,
// which may name hosts or hold parts of a URL.
func errorClass(ctx context.Context, err error) string {
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("timed out after %s", StoreTimeout)
	}
	return "connection failed"
}

func (c *Checker) feed() FeedReport {
	if c.FeedAge == nil {
		return FeedReport{}
	}
	age, ok := c.FeedAge()
	if !ok {
		return FeedReport{}
	}
	return FeedReport{Followed: true, AgeSeconds: age.Seconds(), Fresh: age < FeedStale}
}

func (c *Checker) audit() AuditReport {
	var a AuditReport
	if c.AuditQueued != nil {
		a.Queued = c.AuditQueued()
	}
	if c.AuditCapacity != nil {
		a.Capacity = c.AuditCapacity()
	}
	return a
}

// keys loads the signing key, unless the store is down and the key lives
// there: then its state is unknown, and the store's failure says enough.
func (c *Checker) keys(storeUp bool) KeyReport {
	kr := KeyReport{Source: "store"}
	if c.KeyFromFile {
		kr.Source = "file"
	}
	if c.Keys == nil {
		return KeyReport{State: "unknown", Source: kr.Source}
	}
	if !storeUp && !c.KeyFromFile {
		kr.State = "unknown"
		return kr
	}
	k, err := c.Keys.Signer()
	if err != nil {
		kr.State, kr.Error = "unavailable", "the signing key could not be loaded"
		return kr
	}
	kr.State, kr.ID = "loaded", k.ID
	return kr
}

func (c *Checker) outbox(ctx context.Context, r *Report) {
	if c.Outbox == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, StoreTimeout)
	defer cancel()
	counts, err := c.Outbox(ctx)
	if err != nil {
		r.Problems = append(r.Problems, "the outbox could not be read")
		return
	}
	for _, n := range counts {
		r.Outbox = append(r.Outbox, Backlog{Channel: n.Channel, State: n.State, Count: n.N})
	}
}
