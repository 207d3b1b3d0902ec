// Package redisstore keeps Lockbox's grants, audit chains, sessions,
// short-lived records and change feed in Redis, so several Lockbox
// instances can share them. Writes that must be atomic run as Lua scripts
// on keys that share the tenant's hash tag, so they also hold on Redis
// Cluster; ParseURL documents how to reach a single node, Sentinel or
// Cluster.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Store is a store.Store kept in Redis. It is safe for concurrent use.
type Store struct {
	c     redis.UniversalClient
	owned bool // Close closes c only if Open created it

	locks    tenantLocks
	heads    headCache
	tails    tails     // the events this Store appended last, for compaction
	local    localFeed // changes this Store makes, for its own watchers
	replicas replicaWait

	mu         sync.Mutex
	closed     bool
	watches    map[*redis.PubSub]struct{}
	compacting int            // compactions in flight, under mu
	compactWG  sync.WaitGroup // Close waits for them
}

var _ store.Store = (*Store)(nil)

// errClosed is returned by Watch after Close.
var errClosed = errors.New("redis: store is closed")

// Open returns a Store for the Redis that rawURL names, in one of the forms
// ParseURL takes. Open does not contact Redis, so it never blocks: use Ping
// to check that Redis is reachable.
func Open(rawURL string) (*Store, error) {
	opts, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	s := New(redis.NewUniversalClient(opts))
	s.owned = true
	return s, nil
}

// New returns a Store that uses c. Close leaves c open: its owner closes it.
func New(c redis.UniversalClient) *Store {
	return &Store{
		c:       c,
		locks:   tenantLocks{m: map[string]*tenantLock{}},
		heads:   headCache{m: map[string]cachedHead{}},
		watches: map[*redis.PubSub]struct{}{},
	}
}

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.c.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis: ping: %w", err)
	}
	return nil
}

// Client returns the Redis client the store uses, for what shares the
// store's Redis without being part of the store, such as rate limits.
func (s *Store) Client() redis.UniversalClient { return s.c }

// Close ends every Watch and, if Open created the client, closes it.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	watches := s.watches
	s.watches = nil
	s.mu.Unlock()

	for ps := range watches {
		_ = ps.Close()
	}
	s.compactWG.Wait()
	if !s.owned {
		return nil
	}
	if err := s.c.Close(); err != nil {
		return fmt.Errorf("redis: close: %w", err)
	}
	return nil
}
