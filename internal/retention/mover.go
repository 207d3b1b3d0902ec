// Package retention moves audit events older than the retention window
// out of the store into the archive, a whole day at a time: first the
// day's file is written and made durable, only then are its events
// trimmed from the store, in batches, under the tenant's retention lease.
// Then it deletes the tenant's sessions and grants that ended before the
// window; their events stay in the chain.
package retention

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/archive"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Defaults of Config.
const (
	// DefaultWindow is how long events stay in the store when an archive
	// is configured: three months of hot history for investigations,
	// everything older in the archive.
	DefaultWindow = 90 * 24 * time.Hour
	// DefaultLease is how long a mover holds a tenant; it renews the
	// lease before every batch.
	DefaultLease = 5 * time.Minute
)

// Config sets up a Mover.
type Config struct {
	// Store must keep store.Retention.
	Store store.Store
	// Archive receives the events.
	Archive *archive.Archive
	// Window is how long events stay in the store. Events move once
	// their whole UTC day is older than the window.
	Window time.Duration
	// Holder names this mover in the store's lease; unique per process.
	Holder string
	// Lease is how long one lease lasts; 0 means DefaultLease.
	Lease time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives what the mover did and why it stopped.
	Logger *zap.Logger
	// Prune are further deletions of what a tenant's window left behind,
	// run after the tenant's events moved; each deletes what ended
	// before cutoff and reports how many it deleted (e.g. decided access
	// requests, whose history is in the chain).
	Prune []PruneFunc
}

// PruneFunc deletes the tenant's records that ended before cutoff and
// reports how many it deleted.
type PruneFunc func(ctx context.Context, tenant string, cutoff time.Time) (int, error)

// Mover moves old audit events into the archive.
type Mover struct {
	cfg Config
	ret store.Retention
	// beforeTrim, for tests, runs after a day is archived and before its
	// events are trimmed; an error stands for a crash there.
	beforeTrim func(tenant string, day time.Time) error

	mu     sync.Mutex
	status Status
}

// Status is what the mover last did, for health checks and metrics.
type Status struct {
	// LastRun is when the last pass over the tenants ended.
	LastRun time.Time `json:"last_run,omitzero"`
	// LastError is why the last pass stopped early, empty if it did not.
	LastError string `json:"last_error,omitempty"`
	// Moved counts events trimmed from the store since start.
	Moved int64 `json:"moved"`
	// Pruned counts ended sessions, grants and what Config.Prune deleted
	// since start.
	Pruned int64 `json:"pruned"`
}

// New returns a mover, or an error if the store cannot trim.
func New(cfg Config) (*Mover, error) {
	r, ok := store.AsRetention(cfg.Store)
	switch {
	case !ok:
		return nil, fmt.Errorf("retention: store %T cannot trim events", cfg.Store)
	case cfg.Archive == nil:
		return nil, errors.New("retention: no archive")
	case cfg.Window <= 0:
		return nil, fmt.Errorf("retention: window must be positive, not %s", cfg.Window)
	case cfg.Holder == "":
		return nil, errors.New("retention: holder is required")
	}
	if cfg.Lease <= 0 {
		cfg.Lease = DefaultLease
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	return &Mover{cfg: cfg, ret: r}, nil
}

// Status returns what the mover last did.
func (m *Mover) Status() Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.status
}

// Run moves events every interval until ctx ends.
func (m *Mover) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		_ = m.MoveAll(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// MoveAll moves every tenant's old events. A tenant that fails is logged
// and left for the next pass; the others still move.
func (m *Mover) MoveAll(ctx context.Context) error {
	var errs []error
	tenants, err := m.cfg.Store.Tenants(ctx)
	if err == nil {
		err = m.cfg.Archive.Check()
	}
	if err != nil {
		errs = append(errs, err)
		tenants = nil
	}
	if err == nil {
		// The logins chain is a chain like a tenant's, under a name no
		// tenant id can take; it moves to the archive the same way.
		tenants = append(tenants, store.LoginsChain)
	}
	for _, t := range tenants {
		if _, err := m.MoveTenant(ctx, t); err != nil {
			errs = append(errs, err)
		}
	}
	err = errors.Join(errs...)
	m.mu.Lock()
	m.status.LastRun = m.cfg.Now()
	m.status.LastError = ""
	if err != nil {
		m.status.LastError = err.Error()
	}
	m.mu.Unlock()
	if err != nil {
		m.cfg.Logger.Error("audit retention stopped; events stay in the store until the next try", zap.Error(err))
	}
	return err
}

// MoveTenant moves the tenant's events whose day ended more than the
// window ago, and reports how many left the store. Another mover holding
// the tenant is no error: it moves them.
func (m *Mover) MoveTenant(ctx context.Context, tenant string) (int64, error) {
	now := m.cfg.Now()
	l, err := m.ret.LeaseRetention(ctx, tenant, m.cfg.Holder, now, m.cfg.Lease)
	if errors.Is(err, store.ErrRetentionHeld) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	cut := Day(now.Add(-m.cfg.Window))
	var moved int64
	for {
		n, more, err := m.moveDay(ctx, &l, cut)
		moved += n
		m.mu.Lock()
		m.status.Moved += n
		m.mu.Unlock()
		if err != nil && m.lostLease(ctx, l) {
			m.cfg.Logger.Info("audit retention: another mover took over", zap.String("tenant", tenant), zap.Error(err))
			return moved, nil
		}
		if err != nil {
			return moved, fmt.Errorf("retention of tenant %s: %w", tenant, err)
		}
		if !more && tenant == store.LoginsChain {
			return moved, nil // no sessions, grants or requests of its own
		}
		if !more {
			return moved, m.prune(ctx, tenant, now.Add(-m.cfg.Window))
		}
	}
}

// prune deletes the tenant's sessions and grants that ended before
// cutoff, a page at a time, then runs Config.Prune; their events are in
// the chain.
func (m *Mover) prune(ctx context.Context, tenant string, cutoff time.Time) error {
	for _, p := range m.cfg.Prune {
		n, err := p(ctx, tenant, cutoff)
		m.mu.Lock()
		m.status.Pruned += int64(n)
		m.mu.Unlock()
		if err != nil {
			return fmt.Errorf("retention of tenant %s: %w", tenant, err)
		}
	}
	h, ok := store.AsHistoryRetention(m.cfg.Store)
	if !ok {
		return nil
	}
	for _, p := range []func(context.Context, string, time.Time, int) (int, error){h.PruneSessions, h.PruneGrants} {
		for {
			n, err := p(ctx, tenant, cutoff, store.MaxPageSize)
			if err != nil {
				return fmt.Errorf("retention of tenant %s: %w", tenant, err)
			}
			m.mu.Lock()
			m.status.Pruned += int64(n)
			m.mu.Unlock()
			if n < store.MaxPageSize {
				break
			}
		}
	}
	return nil
}

// errMovedElsewhere means the store changed under a mover in a way only
// another mover's trim explains.
var errMovedElsewhere = errors.New("another mover moved these events")

// lostLease reports whether another mover has taken the tenant since l
// was granted: then what went wrong was its doing, not an error.
func (m *Mover) lostLease(ctx context.Context, l store.RetentionLease) bool {
	cur, err := m.ret.LeaseRetention(ctx, l.Tenant, l.Holder, m.cfg.Now(), m.cfg.Lease)
	return errors.Is(err, store.ErrRetentionHeld) || (err == nil && cur.Fence != l.Fence)
}

// Day returns the start of t's UTC day.
func Day(t time.Time) time.Time {
	return t.UTC().Truncate(24 * time.Hour)
}
