// Package feed follows a store's change feed once for the whole process
// and hands every change to each subscriber: the caches and open
// connections of every site served from that store. It also publishes
// the heartbeat by which each instance tells its feed is alive, so S
// sites on N instances cost N subscriptions and N heartbeats, not S·N.
package feed

import (
	"context"
	"sync"
	"time"

	"github.com/lockbox-gw/lockbox/internal/backoff"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Heartbeat is how often the feed publishes a heartbeat. A subscriber
// that has heard nothing for a few heartbeats should stop trusting what
// it cached.
const Heartbeat = 250 * time.Millisecond

// watchRetry spaces out attempts to subscribe while the store is down.
var watchRetry = backoff.Policy{Base: 100 * time.Millisecond, Cap: 5 * time.Second}

// Feed is one store's change feed, shared by its subscribers.
type Feed struct {
	st      store.Store
	onError func(error)

	mu   sync.RWMutex // held for reading while a change is handed out
	subs map[*sub]struct{}
}

// sub is one subscriber.
type sub struct {
	change func(store.Change)
	lost   func()
}

// New returns the feed of st; onError, if not nil, is told why watching
// failed before each retry. Call Run to start it.
func New(st store.Store, onError func(error)) *Feed {
	if onError == nil {
		onError = func(error) {}
	}
	return &Feed{st: st, onError: onError, subs: map[*sub]struct{}{}}
}

// Subscribe adds a subscriber until the returned func is called. change
// gets every change, heartbeats included, one at a time and, for a write
// made through this process's store, possibly before the write returns:
// it must be quick and must not write to the store itself. lost is
// called when a heartbeat could not be published: the feed may be cut
// and changes lost, so cached state should be dropped and not trusted
// until the next change arrives. Once unsubscribe returns, neither is
// running or called again.
func (f *Feed) Subscribe(change func(store.Change), lost func()) (unsubscribe func()) {
	s := &sub{change: change, lost: lost}
	f.mu.Lock()
	f.subs[s] = struct{}{}
	f.mu.Unlock()
	return func() {
		f.mu.Lock()
		delete(f.subs, s)
		f.mu.Unlock()
	}
}

// Run watches the store and publishes heartbeats until ctx ends, then
// returns once both have stopped. A failed subscription is retried with
// backoff; meanwhile subscribers hear nothing and so trust nothing. Once
// subscribed, the store keeps the subscription alive (reconnecting and
// sending a resync) until ctx ends.
func (f *Feed) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { f.publishHeartbeats(ctx) })
	defer wg.Wait()
	retry := backoff.Backoff{Policy: watchRetry}
	for ctx.Err() == nil {
		err := f.st.Watch(ctx, f.deliver)
		if err == nil {
			<-ctx.Done()
			return
		}
		f.onError(err)
		_ = backoff.Wait(ctx, retry.Next())
	}
}

// deliver hands c to every subscriber.
func (f *Feed) deliver(c store.Change) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	for s := range f.subs {
		s.change(c)
	}
}

// lose tells every subscriber the feed may have lost changes.
func (f *Feed) lose() {
	f.mu.RLock()
	defer f.mu.RUnlock()
	for s := range f.subs {
		s.lost()
	}
}

func (f *Feed) publishHeartbeats(ctx context.Context) {
	t := time.NewTicker(Heartbeat)
	defer t.Stop()
	for {
		pctx, cancel := context.WithTimeout(ctx, Heartbeat)
		if err := f.st.Publish(pctx, store.Change{Kind: store.ChangeHeartbeat}); err != nil && ctx.Err() == nil {
			f.lose()
		}
		cancel()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
