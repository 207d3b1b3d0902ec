package redisstore

import (
	"sync"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// localFeed hands the changes this Store makes to its own watchers before
// the write returns. Redis delivers them too, but later: on a Cluster the
// message may cross the cluster bus first, and a cache of this very
// process must not go on serving the state the write replaced (a revoked
// grant, or "no grant" for a tenant just granted).
type localFeed struct {
	mu   sync.Mutex
	subs map[*localSub]struct{}
}

// localSub is one Watch: its fn is called by the Redis delivery loop and by
// writers of this Store, never by both at once.
type localSub struct {
	mu   sync.Mutex
	fn   func(store.Change)
	done bool
}

func (f *localFeed) add(fn func(store.Change)) *localSub {
	sub := &localSub{fn: fn}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.subs == nil {
		f.subs = map[*localSub]struct{}{}
	}
	f.subs[sub] = struct{}{}
	return sub
}

// remove stops deliveries to sub; once it returns, fn is not running and
// is never called again.
func (f *localFeed) remove(sub *localSub) {
	f.mu.Lock()
	delete(f.subs, sub)
	f.mu.Unlock()
	sub.mu.Lock()
	sub.done = true
	sub.mu.Unlock()
}

// deliver calls every watcher's fn with c, in the caller's goroutine.
func (f *localFeed) deliver(c store.Change) {
	f.mu.Lock()
	subs := make([]*localSub, 0, len(f.subs))
	for sub := range f.subs {
		subs = append(subs, sub)
	}
	f.mu.Unlock()
	for _, sub := range subs {
		sub.deliver(c)
	}
}

func (sub *localSub) deliver(c store.Change) {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	if !sub.done {
		sub.fn(c)
	}
}

// changed tells this Store's watchers that the tenant's grant id may have
// changed. Writers call it whatever the outcome: a write whose reply was
// lost may have happened, and an extra invalidation costs only a read.
func (s *Store) grantChanged(tenant, id string) {
	s.local.deliver(store.Change{Kind: store.ChangeGrant, Tenant: tenant, ID: id})
}

// sessionChanged tells this Store's watchers that a session may have ended.
func (s *Store) sessionChanged(tenant, id string) {
	s.local.deliver(store.Change{Kind: store.ChangeSession, Tenant: tenant, ID: id})
}
