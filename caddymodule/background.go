package caddymodule

import (
	"context"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Timing of the app's background work.
const (
	// sweepInterval is how often expired grants are looked for, so their
	// expiry is recorded even when nobody reads the tenant.
	sweepInterval = time.Minute
	// sweepTimeout bounds one sweep over every tenant.
	sweepTimeout = 30 * time.Second
	// warmTimeout bounds loading the signing keys at start.
	warmTimeout = 10 * time.Second
)

// background runs an app's loops from Start until Stop.
type background struct {
	mu     sync.Mutex
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// start runs loop in its own goroutine until stop.
func (b *background) start(loop func(ctx context.Context)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cancel == nil {
		b.ctx, b.cancel = context.WithCancel(context.Background())
	}
	ctx := b.ctx
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		loop(ctx)
	}()
}

// stop ends every loop and waits for them, so none touches the store
// after the app has stopped.
func (b *background) stop() {
	b.mu.Lock()
	cancel := b.cancel
	b.cancel = nil
	b.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	b.wg.Wait()
}

// sweepExpiries records the expiry of grants whose time has passed, every
// sweepInterval (or a.sweepEvery) until ctx ends. Reading the active
// grants is what records them.
func (a *App) sweepExpiries(ctx context.Context) {
	every := a.sweepEvery
	if every <= 0 {
		every = sweepInterval
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		a.sweepOnce(ctx)
	}
}

// sweepOnce reads every tenant's active grant once, which records the
// expiries, and warns of the grants about to expire; a failure is logged
// and the next sweep tries again.
func (a *App) sweepOnce(ctx context.Context) {
	c, cancel := context.WithTimeout(ctx, sweepTimeout)
	defer cancel()
	active, err := a.grants.Active(c)
	if err != nil {
		if ctx.Err() == nil {
			a.logger.Error("recording expired grants", zap.Error(err))
		}
		return
	}
	a.warnExpiring(c, active)
	a.expireRequests(c)
}

// warnExpiring publishes grant.expiring for each grant in its warning
// window. The event id is fixed per grant, so every instance publishes
// the same notifications, once; this instance also remembers what it
// published, so later sweeps skip it. A failed publish is tried again on
// the next sweep.
func (a *App) warnExpiring(ctx context.Context, active []store.Grant) {
	now := a.grants.Now()
	warned := make(map[string]bool)
	for _, g := range active {
		e, due := notify.Expiring(g, now)
		if !due {
			continue
		}
		if a.warned[g.ID] {
			warned[g.ID] = true
			continue
		}
		if err := a.notifier.Publish(ctx, e); err != nil {
			if ctx.Err() == nil {
				a.logger.Error("warning of an expiring grant", zap.String("tenant", g.Tenant), zap.String("grant", g.ID), zap.Error(err))
			}
			continue
		}
		warned[g.ID] = true
	}
	a.warned = warned
}

// warmKeys loads the signing keys, generating them on the very first
// start, so the first request does not wait for it. A failure is only a
// warning: the keys load again on first use.
func (a *App) warmKeys(ctx context.Context) {
	c, cancel := context.WithTimeout(ctx, warmTimeout)
	defer cancel()
	if err := a.keys.Load(c); err != nil && ctx.Err() == nil {
		a.logger.Warn("signing keys not loaded yet; they load on first use", zap.Error(err))
	}
}
