package caddymodule

import (
	"context"
	"sync"

	"go.uber.org/zap"

	"github.com/caddyserver/caddy/v2"

	"github.com/lockbox-gw/lockbox/internal/feed"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// feeds holds one change feed per store, shared by every site and across
// reloads like the store itself: however many sites use a store, this
// instance subscribes once and publishes one heartbeat.
var feeds = caddy.NewUsagePool()

// pooledFeed is a running change feed.
type pooledFeed struct {
	f    *feed.Feed
	stop context.CancelFunc
	done <-chan struct{}
}

// Destruct stops the feed and waits for it. It implements
// caddy.Destructor.
func (p pooledFeed) Destruct() error {
	p.stop()
	<-p.done
	return nil
}

// acquireFeed returns the running change feed of the store at k, starting
// one if no config holds it. Every call must be paired with releaseFeed,
// before the store is released.
func acquireFeed(k poolKey, st store.Store) *feed.Feed {
	val, _, _ := feeds.LoadOrNew(k, func() (caddy.Destructor, error) {
		return startFeed(st), nil
	})
	return val.(pooledFeed).f
}

// startFeed starts following st.
func startFeed(st store.Store) pooledFeed {
	logger := caddy.Log().Named("lockbox.feed")
	f := feed.New(st, func(err error) {
		logger.Error("watching lockbox store changes; retrying", zap.Error(err))
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.Run(ctx)
	}()
	return pooledFeed{f: f, stop: cancel, done: done}
}

// releaseFeed drops one use of the feed at k; the last use stops it.
func releaseFeed(k poolKey) error {
	_, err := feeds.Delete(k)
	return err
}

// siteFeed acquires the store's feed when the first site asks for it, so
// an app without sites follows nothing and publishes no heartbeat.
type siteFeed struct {
	key poolKey
	st  store.Store

	mu sync.Mutex
	f  *feed.Feed
}

// get returns the feed, acquiring it on first use.
func (s *siteFeed) get() *feed.Feed {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		s.f = acquireFeed(s.key, s.st)
	}
	return s.f
}

// release drops this config's use of the feed, if it took one.
func (s *siteFeed) release() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	s.f = nil
	return releaseFeed(s.key)
}
