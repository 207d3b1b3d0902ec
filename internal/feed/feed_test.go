package feed_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/lockbox-gw/lockbox/internal/feed"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// counting is a real store that counts subscriptions and heartbeats, and
// fails them on demand.
type counting struct {
	store.Store
	watches, beats atomic.Int64
	failWatch      atomic.Int64 // Watch calls left to fail
	failPublish    atomic.Bool
}

func (c *counting) Watch(ctx context.Context, fn func(store.Change)) error {
	c.watches.Add(1)
	if c.failWatch.Add(-1) >= 0 {
		return errors.New("store down")
	}
	return c.Store.Watch(ctx, fn)
}

func (c *counting) Publish(ctx context.Context, ch store.Change) error {
	if ch.Kind == store.ChangeHeartbeat {
		c.beats.Add(1)
	}
	if c.failPublish.Load() {
		return errors.New("store down")
	}
	return c.Store.Publish(ctx, ch)
}

// openStore opens a bbolt file inside the caller's synctest bubble, so
// its delivery goroutines belong to the bubble too.
func openStore(t *testing.T) *counting {
	t.Helper()
	st := testkit.Bolt(t)
	return &counting{Store: st}
}

// recorder is one subscriber, as a site's cache would be.
type recorder struct {
	mu      sync.Mutex
	changes map[store.ChangeKind]int
	lost    int
}

func (r *recorder) change(c store.Change) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.changes[c.Kind]++
}

func (r *recorder) lose() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lost++
}

func (r *recorder) count(k store.ChangeKind) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.changes[k]
}

// run starts f until the test's bubble ends and returns its subscribers.
func run(t *testing.T, f *feed.Feed, n int) []*recorder {
	t.Helper()
	subs := make([]*recorder, n)
	for i := range subs {
		subs[i] = &recorder{changes: map[store.ChangeKind]int{}}
		t.Cleanup(f.Subscribe(subs[i].change, subs[i].lose))
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); f.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return subs
}

// TestOneWatchAndHeartbeatForManySubscribers is the point of the
// package: five sites sharing one feed cost one subscription and four
// heartbeats a second, where each following the store itself cost five
// subscriptions and twenty heartbeats; and every site hears every change.
func TestOneWatchAndHeartbeatForManySubscribers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := openStore(t)
		subs := run(t, feed.New(st, nil), 5)
		synctest.Wait()
		if err := st.Publish(t.Context(), store.Change{Kind: store.ChangeGrant, Tenant: "acme"}); err != nil {
			t.Fatalf("publish: %v", err)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		if got := st.watches.Load(); got != 1 {
			t.Errorf("subscriptions = %d, want 1", got)
		}
		// One at start, then one each 250ms: 0, .25, .5, .75 and 1s.
		if got := st.beats.Load(); got != 5 {
			t.Errorf("heartbeats in the first second = %d, want 5", got)
		}
		for i, s := range subs {
			if got := s.count(store.ChangeGrant); got != 1 {
				t.Errorf("subscriber %d heard %d grant changes, want 1", i, got)
			}
			if got := s.count(store.ChangeHeartbeat); got < 4 {
				t.Errorf("subscriber %d heard %d heartbeats, want at least 4", i, got)
			}
		}
	})
}

// TestLostWhenHeartbeatFails: a heartbeat that cannot be published tells
// every subscriber to drop its state.
func TestLostWhenHeartbeatFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := openStore(t)
		st.failPublish.Store(true)
		subs := run(t, feed.New(st, nil), 3)
		synctest.Wait()
		for i, s := range subs {
			s.mu.Lock()
			if s.lost != 1 {
				t.Errorf("subscriber %d told lost %d times, want 1", i, s.lost)
			}
			s.mu.Unlock()
		}
	})
}

// TestWatchRetriedWithBackoff: while the store refuses to subscribe, the
// feed retries with growing delays, and delivers once it succeeds.
func TestWatchRetriedWithBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := openStore(t)
		st.failWatch.Store(3)
		var errs atomic.Int64
		start := time.Now()
		subs := run(t, feed.New(st, func(error) { errs.Add(1) }), 1)
		synctest.Wait()
		if errs.Load() != 1 {
			t.Fatalf("errors right after start = %d, want 1", errs.Load())
		}
		for st.watches.Load() < 4 {
			time.Sleep(10 * time.Millisecond)
			synctest.Wait()
		}
		// Delays of at least 50, 100 and 200ms, at most 100, 200 and 400ms.
		if took := time.Since(start); took < 350*time.Millisecond || took > 710*time.Millisecond {
			t.Errorf("fourth attempt after %v, want within [350ms, 710ms]", took)
		}
		if err := st.Publish(t.Context(), store.Change{Kind: store.ChangeKeys}); err != nil {
			t.Fatalf("publish: %v", err)
		}
		synctest.Wait()
		if got := subs[0].count(store.ChangeKeys); got != 1 {
			t.Errorf("key changes heard = %d, want 1", got)
		}
	})
}

// TestUnsubscribe: a subscriber that left hears nothing more.
func TestUnsubscribe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := openStore(t)
		f := feed.New(st, nil)
		subs := run(t, f, 1)
		r := &recorder{changes: map[store.ChangeKind]int{}}
		f.Subscribe(r.change, r.lose)()
		synctest.Wait()
		if err := st.Publish(t.Context(), store.Change{Kind: store.ChangeKeys}); err != nil {
			t.Fatalf("publish: %v", err)
		}
		synctest.Wait()
		if r.count(store.ChangeKeys) != 0 || subs[0].count(store.ChangeKeys) != 1 {
			t.Errorf("left subscriber heard %d, staying one %d; want 0 and 1", r.count(store.ChangeKeys), subs[0].count(store.ChangeKeys))
		}
	})
}
