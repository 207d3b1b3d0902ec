package metrics

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Store is a store.Store that times every operation, counts failures and
// the grant and access request events appended, and notes when the
// change feed was last heard from.
type Store struct {
	store.Store
	m       *Metrics
	backend string
	ops     map[string]prometheus.Observer // by operation, looked up once
	errs    map[string]prometheus.Counter
	heard   atomic.Int64 // unix nanos of the last change fed to a Watch
}

// storeOps are the operations timed, one label value each.
var storeOps = []string{
	"PutGrant", "ActiveGrant", "EndGrant", "ExtendGrant", "GetGrant", "GrantHistory", "Tenants",
	"AppendEvents", "Events", "AuditHead",
	"PutSession", "GetSession", "EndSession", "TouchSessions", "Sessions",
	"PutRecord", "CreateRecord", "SwapRecord", "GetRecord", "TakeRecord", "DeleteRecord",
	"Publish", "Watch",
	"EnqueueNotifications", "ClaimNotifications", "CompleteNotification", "RetryNotification",
	"FailNotification", "GetNotification", "Notifications",
}

// Instrument wraps s, a store of backend ("bolt", "redis"). With a nil m
// it still notes the change feed, for FeedAge.
func (m *Metrics) Instrument(s store.Store, backend string) *Store {
	is := &Store{Store: s, m: m, backend: backend}
	if m != nil {
		is.ops, is.errs = map[string]prometheus.Observer{}, map[string]prometheus.Counter{}
		for _, op := range storeOps {
			is.ops[op] = m.storeOps.WithLabelValues(backend, op)
			is.errs[op] = m.storeErrors.WithLabelValues(backend, op)
		}
	}
	return is
}

// Backend returns the backend's name.
func (s *Store) Backend() string { return s.backend }

// FeedAge returns how long ago a Watch of this store was last fed a
// change (heartbeats included); false when nothing watches it yet.
func (s *Store) FeedAge(now time.Time) (time.Duration, bool) {
	at := s.heard.Load()
	if at == 0 {
		return 0, false
	}
	return max(now.Sub(time.Unix(0, at)), 0), true
}

// done records one operation that started at start.
func (s *Store) done(op string, start time.Time, err error) {
	if s.m == nil {
		return
	}
	s.ops[op].Observe(time.Since(start).Seconds())
	if err != nil && !expected(err) {
		s.errs[op].Inc()
	}
}

// expected reports answers that are the store working as told, not failing.
func expected(err error) bool {
	return errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrEnded) ||
		errors.Is(err, store.ErrLeaseLost) || errors.Is(err, store.ErrInvalidCursor) ||
		errors.Is(err, context.Canceled)
}

// counted counts the grant and access request events among those
// appended; other event types are left alone.
func (s *Store) counted(events []store.Event) {
	if s.m == nil {
		return
	}
	for _, e := range events {
		kind, what, _ := strings.Cut(e.Type, ".")
		switch {
		case kind == "grant" && grantEvents[what]:
			s.m.grants.WithLabelValues(what).Inc()
		case kind == "request" && requestStates[what]:
			s.m.accessRequests.WithLabelValues(what).Inc()
		}
	}
}

var (
	grantEvents   = map[string]bool{"created": true, "revoked": true, "expired": true, "replaced": true, "extended": true}
	requestStates = map[string]bool{"created": true, "approved": true, "denied": true, "expired": true}
)

// AppendEvents implements store.Store.
func (s *Store) AppendEvents(ctx context.Context, tenant string, events ...store.Event) ([]store.Event, error) {
	start := time.Now()
	out, err := s.Store.AppendEvents(ctx, tenant, events...)
	s.done("AppendEvents", start, err)
	if err == nil {
		s.counted(out)
	}
	return out, err
}

// Watch implements store.Store, noting when each change arrives.
func (s *Store) Watch(ctx context.Context, fn func(store.Change)) error {
	start := time.Now()
	err := s.Store.Watch(ctx, func(c store.Change) {
		s.heard.Store(time.Now().UnixNano())
		fn(c)
	})
	s.done("Watch", start, err)
	return err
}

// Unwrap returns the store the metrics are taken of, so its optional
// interfaces (retention, say) stay reachable.
func (s *Store) Unwrap() store.Store { return s.Store }

var _ store.Wrapper = (*Store)(nil)
