package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lockbox-gw/lockbox/internal/store"
)

const (
	// subscribeTimeout bounds the wait for Redis to confirm a subscription.
	subscribeTimeout = 5 * time.Second
	// feedBuffer is how many changes may wait for fn.
	feedBuffer = 1024
)

// Watch subscribes to the change feed and returns once Redis has confirmed
// the subscription. It then calls fn for every change until ctx ends, one
// call at a time. When the connection drops, go-redis resubscribes; as
// messages sent meanwhile are lost, fn then gets a store.ChangeResync.
//
// A grant or session change made through this Store reaches fn before the
// write returns, as well as later through Redis: a cache this fn keeps
// never serves what the process itself just replaced. So fn must not
// write to this Store itself (hand such work to another goroutine).
func (s *Store) Watch(ctx context.Context, fn func(store.Change)) error {
	ps := s.c.Subscribe(ctx, changesChannel)
	if err := confirmSubscription(ctx, ps); err != nil {
		_ = ps.Close()
		return fmt.Errorf("redis: watch: %w", err)
	}
	if !s.track(ps) {
		_ = ps.Close()
		return errClosed
	}
	// go-redis drops messages when this buffer stays full for a minute, so
	// leave a slow fn plenty of room.
	msgs := ps.ChannelWithSubscriptions(redis.WithChannelSize(feedBuffer))
	sub := s.local.add(fn)
	go s.follow(ctx, ps, msgs, sub)
	return nil
}

// confirmSubscription waits for Redis to acknowledge the subscription,
// which also proves Redis is reachable.
func confirmSubscription(ctx context.Context, ps *redis.PubSub) error {
	ctx, cancel := context.WithTimeout(ctx, subscribeTimeout)
	defer cancel()
	msg, err := ps.ReceiveTimeout(ctx, subscribeTimeout)
	if err != nil {
		return err
	}
	if _, ok := msg.(*redis.Subscription); !ok {
		return fmt.Errorf("unexpected %T instead of a subscription", msg)
	}
	return nil
}

// follow delivers the feed to fn until ctx ends or the store closes.
func (s *Store) follow(ctx context.Context, ps *redis.PubSub, msgs <-chan any, sub *localSub) {
	defer s.untrack(ps)
	defer ps.Close()
	defer s.local.remove(sub)
	for {
		select {
		case <-ctx.Done():
			return
		case msg, ok := <-msgs:
			if !ok {
				return
			}
			if c, ok := change(msg); ok && ctx.Err() == nil {
				sub.deliver(c)
			}
		}
	}
}

// change turns a pub/sub message into the change to deliver, if any.
func change(msg any) (store.Change, bool) {
	switch m := msg.(type) {
	case *redis.Subscription:
		// A subscription after the first one means go-redis reconnected.
		return store.Change{Kind: store.ChangeResync}, m.Kind == "subscribe"
	case *redis.Message:
		var c store.Change
		if err := json.Unmarshal([]byte(m.Payload), &c); err != nil || c.Kind == "" {
			// Unreadable: the safe reading is that something changed.
			return store.Change{Kind: store.ChangeResync}, true
		}
		return c, true
	}
	return store.Change{}, false
}

// track registers a live subscription so Close can end it; false after
// Close.
func (s *Store) track(ps *redis.PubSub) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.watches[ps] = struct{}{}
	return true
}

func (s *Store) untrack(ps *redis.PubSub) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.watches, ps)
}
