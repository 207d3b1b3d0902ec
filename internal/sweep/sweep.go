// Package sweep is the app's periodic pass over the store: it records the
// expiry of grants and access requests whose time has passed, so their
// notifications go out without anyone reading the tenant, and warns of
// grants about to expire.
package sweep

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Timing of a sweep.
const (
	// DefaultInterval is how often a Sweeper runs without Every.
	DefaultInterval = time.Minute
	// Timeout bounds one sweep over every tenant.
	Timeout = 30 * time.Second
)

// Sweeper sweeps the store. Run and Once must not be called concurrently.
type Sweeper struct {
	// Grants are read to record expiries; their clock says what is due.
	Grants *grant.Service
	// Publisher publishes the grant.expiring warnings.
	Publisher notify.Publisher
	// Requests, when set, has its overdue access requests expired.
	Requests *request.Service
	// Logger reports failed sweeps; the next sweep tries again.
	Logger *zap.Logger
	// Every is the time between sweeps. Default: DefaultInterval.
	Every time.Duration

	warned map[string]bool // grants warned of expiring, by id
}

// Run sweeps every Every until ctx ends.
func (s *Sweeper) Run(ctx context.Context) {
	every := s.Every
	if every <= 0 {
		every = DefaultInterval
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		s.Once(ctx)
	}
}

// Once reads every tenant's active grants once, which records the
// expiries, warns of the grants about to expire and expires overdue
// access requests. A failure is logged and the next sweep tries again.
func (s *Sweeper) Once(ctx context.Context) {
	c, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	active, err := s.Grants.Active(c)
	if err != nil {
		if ctx.Err() == nil {
			s.Logger.Error("recording expired grants", zap.Error(err))
		}
		return
	}
	s.warnExpiring(c, active)
	s.expireRequests(c)
}

// warnExpiring publishes grant.expiring for each grant in its warning
// window. The event id is fixed per grant, so every instance publishes
// the same notifications, once; this sweeper also remembers what it
// published, so later sweeps skip it. A failed publish is tried again on
// the next sweep.
func (s *Sweeper) warnExpiring(ctx context.Context, active []store.Grant) {
	now := s.Grants.Now()
	warned := make(map[string]bool)
	for _, g := range active {
		e, due := notify.Expiring(g, now)
		if !due {
			continue
		}
		if s.warned[g.ID] {
			warned[g.ID] = true
			continue
		}
		if err := s.Publisher.Publish(ctx, e); err != nil {
			if ctx.Err() == nil {
				s.Logger.Error("warning of an expiring grant", zap.String("tenant", g.Tenant), zap.String("grant", g.ID), zap.Error(err))
			}
			continue
		}
		warned[g.ID] = true
	}
	s.warned = warned
}

// expireRequests records the expiry of access requests past their
// lifetime, so their notifications go out without anyone looking.
func (s *Sweeper) expireRequests(ctx context.Context) {
	if s.Requests == nil {
		return
	}
	n, err := s.Requests.ExpireDue(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		s.Logger.Error("recording expired access requests", zap.Error(err))
	case n > 0:
		s.Logger.Info("access requests expired", zap.Int("count", n))
	}
}
