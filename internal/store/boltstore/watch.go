package boltstore

import (
	"context"
	"sync"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// watchBuffer is how many changes a subscriber may fall behind before its
// queue is replaced by a single resync.
const watchBuffer = 256

// Watch calls fn, from a goroutine of its own, for every change made
// through this Store until ctx ends or the Store is closed. Changes reach
// fn in commit order; a subscriber that falls too far behind gets one
// store.ChangeResync in place of the changes it missed.
func (s *Store) Watch(ctx context.Context, fn func(store.Change)) error {
	if err := s.ready(ctx); err != nil {
		return err
	}
	sub, err := s.hub.subscribe()
	if err != nil {
		return err
	}
	// AfterFunc removes the subscriber as soon as ctx ends, even while fn
	// is busy; the deferred call covers the loop ending first.
	stop := context.AfterFunc(ctx, func() { s.hub.unsubscribe(sub) })
	go func() {
		defer s.hub.unsubscribe(sub)
		defer stop()
		s.hub.deliver(ctx, sub, fn)
	}()
	return nil
}

// hub fans changes out to subscribers without ever blocking the writer
// that publishes them.
type hub struct {
	mu     sync.Mutex
	subs   map[*subscriber]struct{}
	closed bool
	done   chan struct{} // closed by close, ends every delivery loop
}

// subscriber is one Watch call's queue. Only publish sends on it, under
// hub.mu; only the subscriber's delivery loop receives.
type subscriber struct {
	ch chan store.Change
}

func newHub() *hub {
	return &hub{subs: map[*subscriber]struct{}{}, done: make(chan struct{})}
}

func (h *hub) subscribe() (*subscriber, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, ErrClosed
	}
	sub := &subscriber{ch: make(chan store.Change, watchBuffer)}
	h.subs[sub] = struct{}{}
	return sub, nil
}

func (h *hub) unsubscribe(sub *subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, sub)
}

// publish queues c for every subscriber.
func (h *hub) publish(c store.Change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range h.subs {
		sub.offer(c)
	}
}

// offer queues c, or, if the queue is full, empties it and queues a resync
// instead: the resync tells the subscriber to reload everything, which
// covers both the queued changes and c, and keeps memory bounded.
func (sub *subscriber) offer(c store.Change) {
	select {
	case sub.ch <- c:
		return
	default:
	}
	for len(sub.ch) > 0 {
		select {
		case <-sub.ch:
		default:
		}
	}
	// Only publishers send, one at a time, so there is room now.
	sub.ch <- store.Change{Kind: store.ChangeResync}
}

// deliver calls fn with each queued change until ctx ends or the hub
// closes. fn runs with no lock held, so it may call back into the Store.
func (h *hub) deliver(ctx context.Context, sub *subscriber, fn func(store.Change)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.done:
			return
		case c := <-sub.ch:
			fn(c)
		}
	}
}

// close stops every delivery loop and refuses new subscribers.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	clear(h.subs)
	close(h.done)
}
