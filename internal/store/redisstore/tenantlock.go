package redisstore

import (
	"context"
	"sync"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// tenantLocks serializes one process's appends to each tenant's chain, so
// an instance never races, and retries against, itself. An entry lives only
// while someone holds or waits for it, so the map stays as small as the
// number of tenants being written at once.
type tenantLocks struct {
	mu sync.Mutex
	m  map[string]*tenantLock
}

type tenantLock struct {
	sem  chan struct{} // a channel, so waiting can end with ctx
	refs int
}

// lock waits for tenant's lock and returns its release, or ctx's error.
func (l *tenantLocks) lock(ctx context.Context, tenant string) (func(), error) {
	l.mu.Lock()
	e := l.m[tenant]
	if e == nil {
		e = &tenantLock{sem: make(chan struct{}, 1)}
		l.m[tenant] = e
	}
	e.refs++
	l.mu.Unlock()

	select {
	case e.sem <- struct{}{}:
		return func() {
			<-e.sem
			l.release(tenant, e)
		}, nil
	case <-ctx.Done():
		l.release(tenant, e)
		return nil, ctx.Err()
	}
}

func (l *tenantLocks) release(tenant string, e *tenantLock) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e.refs--; e.refs == 0 {
		delete(l.m, tenant)
	}
}

// maxCachedHeads bounds the head cache; past it an arbitrary entry goes,
// which only costs that tenant one extra round trip on its next append.
const maxCachedHeads = 10000

// cachedHead is the chain head this process last wrote or saw, with the
// exact stored JSON that the append script compares against.
type cachedHead struct {
	head store.Head
	raw  string
}

// headCache remembers each tenant's head so the common append is one
// round trip. A stale entry is harmless: the script rejects it and returns
// the current head.
type headCache struct {
	mu sync.Mutex
	m  map[string]cachedHead
}

func (c *headCache) get(tenant string) (cachedHead, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.m[tenant]
	return h, ok
}

func (c *headCache) put(tenant string, h cachedHead) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[tenant]; !ok && len(c.m) >= maxCachedHeads {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[tenant] = h
}

func (c *headCache) forget(tenant string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, tenant)
}
