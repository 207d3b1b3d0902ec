package instance

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/audit"
	"github.com/lockbox-gw/lockbox/internal/feed"
	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// auditFlushTimeout bounds writing pending audit events when the last
// config using a store lets go.
const auditFlushTimeout = 5 * time.Second

// The parts pooled per store for the whole process. The audit writer is
// shared like the store: requests of the old config still finishing
// during a reload record through the writer the new config uses, so no
// event is refused because a writer closed under them. What that writer
// appends is published through the notifier of the config that started
// last. Every site and config of one store follow one change feed.
var (
	stores     pool[store.Store]
	writers    pool[*audit.Writer]
	publishers pool[publisher]
	feeds      pool[*feed.Feed]
)

// Uses reports how many configs hold the store s names, with the audit
// replicas a; for tests and diagnostics.
func Uses(s Storage, a Audit) int {
	_, key, err := Config{Storage: &s, Audit: a}.store()
	if err != nil {
		return 0
	}
	return stores.uses(key)
}

// acquireStore opens the store at k, or takes the one open.
func acquireStore(k poolKey) (store.Store, bool, error) {
	return stores.acquire(k, func() (store.Store, func() error, error) {
		st, err := openStore(k)
		if err != nil {
			return nil, nil, err
		}
		m := processMetrics.Instrument(st, k.backend)
		return m, m.Close, nil
	})
}

// acquireWriter returns the running audit writer of the store at k.
func acquireWriter(k poolKey, st store.Store, logger *zap.Logger) *audit.Writer {
	w, _, _ := writers.acquire(k, func() (*audit.Writer, func() error, error) {
		w := audit.NewWriter(processMetrics.AuditStore(st), audit.Options{OnError: func(err error) {
			logger.Error("writing audit events; retrying", zap.Error(err))
		}})
		ctx, cancel := context.WithCancel(context.Background())
		go w.Run(ctx)
		return w, func() error { return closeWriter(w, cancel) }, nil
	})
	return w
}

// closeWriter writes the pending events, waiting at most
// auditFlushTimeout, and stops the writer.
func closeWriter(w *audit.Writer, stop context.CancelFunc) error {
	ctx, cancel := context.WithTimeout(context.Background(), auditFlushTimeout)
	defer cancel()
	err := w.Close(ctx)
	stop()
	if err != nil {
		return fmt.Errorf("closing the audit writer left events unwritten: %v", err)
	}
	return nil
}

// publisher is a store that publishes its appended events, and the
// notifier it publishes through.
type publisher struct {
	store store.Store
	pub   *currentNotifier
}

// acquirePublisher returns st at k wrapped to publish appended events.
func acquirePublisher(k poolKey, st store.Store, logger *zap.Logger) publisher {
	p, _, _ := publishers.acquire(k, func() (publisher, func() error, error) {
		pub := new(currentNotifier)
		return publisher{store: notify.Bridge(st, pub, logger), pub: pub}, func() error { return nil }, nil
	})
	return p
}

// errNoNotifier is returned for events appended before any config using
// the store has started.
var errNoNotifier = errors.New("no notifier has started yet")

// currentNotifier publishes through the notifier of the config that
// started last.
type currentNotifier struct {
	n atomic.Pointer[notify.Notifier]
}

// Publish publishes e through the current notifier.
func (c *currentNotifier) Publish(ctx context.Context, e notify.Event) error {
	n := c.n.Load()
	if n == nil {
		return errNoNotifier
	}
	return n.Publish(ctx, e)
}

// acquireFeed returns the running change feed of the store at k.
func acquireFeed(k poolKey, st store.Store, logger *zap.Logger) *feed.Feed {
	f, _, _ := feeds.acquire(k, func() (*feed.Feed, func() error, error) {
		f := feed.New(st, func(err error) {
			logger.Error("watching lockbox store changes; retrying", zap.Error(err))
		})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			f.Run(ctx)
		}()
		return f, func() error { cancel(); <-done; return nil }, nil
	})
	return f
}

// siteFeed acquires the store's feed when the first site asks for it, so
// an instance without sites follows nothing and publishes no heartbeat.
type siteFeed struct {
	key    poolKey
	st     store.Store
	logger *zap.Logger

	mu sync.Mutex
	f  *feed.Feed
}

// get returns the feed, acquiring it on first use.
func (s *siteFeed) get() *feed.Feed {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		s.f = acquireFeed(s.key, s.st, s.logger)
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
	return feeds.release(s.key)
}

// Interface guards
var _ notify.Publisher = (*currentNotifier)(nil)
