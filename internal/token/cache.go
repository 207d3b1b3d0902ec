package token

import (
	"sync"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// cached is a minted token kept for reuse.
type cached struct {
	raw    string
	kid    string
	tenant string
	exp    time.Time
	renew  time.Time // past this, a new token is minted
}

// usable reports whether the token may be handed out again at now.
func (e cached) usable(sess store.Session, kid string, now time.Time) bool {
	return now.Before(e.renew) && e.kid == kid && e.fits(sess)
}

// fits reports whether the token suits sess as it is now: same tenant,
// and no expiry past the session's end.
func (e cached) fits(sess store.Session) bool {
	return e.tenant == sess.Tenant && !e.exp.After(sess.EndsAt)
}

// tokenCache maps session ids to their tokens. It holds at most max
// entries and sweeps out stale ones once per token lifetime.
type tokenCache struct {
	mu        sync.RWMutex
	m         map[string]cached
	max       int
	nextSweep time.Time
}

func newTokenCache(max int) *tokenCache {
	return &tokenCache{m: map[string]cached{}, max: max}
}

func (c *tokenCache) get(id string) (cached, bool) {
	c.mu.RLock()
	e, ok := c.m[id]
	c.mu.RUnlock()
	return e, ok
}

func (c *tokenCache) remove(id string) {
	c.mu.Lock()
	delete(c.m, id)
	c.mu.Unlock()
}

// put stores e; every ttl, and whenever the cache is full, it first drops
// tokens due for renewal, and if that is not enough, a tenth of the rest.
func (c *tokenCache) put(id string, e cached, now time.Time, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.full(id) || now.After(c.nextSweep) {
		c.sweep(now)
		c.nextSweep = now.Add(ttl)
	}
	if c.full(id) {
		c.shed(c.max / 10)
	}
	c.m[id] = e
}

// full reports whether adding id would exceed the bound.
func (c *tokenCache) full(id string) bool {
	_, ok := c.m[id]
	return !ok && len(c.m) >= c.max
}

// sweep drops tokens that would be minted anew anyway.
func (c *tokenCache) sweep(now time.Time) {
	for id, e := range c.m {
		if !now.Before(e.renew) {
			delete(c.m, id)
		}
	}
}

// shed drops at least one and about n entries, arbitrary ones (map order
// is random): their sessions just mint again.
func (c *tokenCache) shed(n int) {
	n = max(n, 1)
	for id := range c.m {
		delete(c.m, id)
		if n--; n == 0 {
			return
		}
	}
}
