package gateway

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// staleAfter is how long without any feed message (the feed publishes a
// heartbeat every feed.Heartbeat) before cached state is no longer
// trusted. It bounds how long a broken feed could let a revoked grant
// through: under a second.
const staleAfter = 900 * time.Millisecond

// cache holds grants, impersonation sessions and agent sessions read from
// the store. Entries are dropped the moment the change feed reports a
// change, and the whole cache is bypassed while the feed is silent, so a
// revocation bites on the very next request on every instance.
type cache struct {
	lastFeed atomic.Int64 // unix nanos of the last feed message

	mu       sync.RWMutex
	grants   map[string]grantEntry          // by tenant
	sessions map[string]*liveSession        // by session id
	agents   map[string]*login.AgentSession // by agent record id
	gen      uint64                         // bumped on every invalidation
}

// grantEntry is a tenant's current grant, or none.
type grantEntry struct {
	grant store.Grant
	none  bool
}

func newCache() *cache {
	return &cache{grants: map[string]grantEntry{}, sessions: map[string]*liveSession{}, agents: map[string]*login.AgentSession{}}
}

// fresh reports whether the feed has been heard from recently enough to
// trust cached entries.
func (c *cache) fresh() bool {
	return time.Since(time.Unix(0, c.lastFeed.Load())) < staleAfter
}

// apply is the change-feed callback.
func (c *cache) apply(ch store.Change) {
	c.lastFeed.Store(time.Now().UnixNano())
	switch ch.Kind {
	case store.ChangeHeartbeat, store.ChangeKeys:
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	switch ch.Kind {
	case store.ChangeGrant:
		delete(c.grants, ch.Tenant)
	case store.ChangeSession:
		delete(c.sessions, ch.ID)
	case store.ChangeAgent:
		delete(c.agents, ch.ID)
	default: // resync and anything unknown: forget everything
		clear(c.grants)
		clear(c.sessions)
		clear(c.agents)
	}
}

// distrust forgets everything and stops trusting the cache until the feed
// is heard again. It is called when the store fails: the feed may have
// been cut too, and changes published while it was down (a revocation, a
// new grant) are lost, however short the outage.
func (c *cache) distrust() {
	c.lastFeed.Store(0)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.grants)
	clear(c.sessions)
	clear(c.agents)
}

// generation returns a counter to pass to the put methods: a value read
// from the store is cached only if nothing was invalidated since the read
// began, so a change that races a read is never papered over.
func (c *cache) generation() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

func (c *cache) grant(tenant string) (grantEntry, bool) {
	if !c.fresh() {
		return grantEntry{}, false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.grants[tenant]
	return e, ok
}

func (c *cache) putGrant(gen uint64, tenant string, e grantEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen == c.gen && room(c.grants, tenant) {
		c.grants[tenant] = e
	}
}

func (c *cache) session(id string) (*liveSession, bool) {
	if !c.fresh() {
		return nil, false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	s, ok := c.sessions[id]
	return s, ok
}

func (c *cache) putSession(gen uint64, s *liveSession) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen == c.gen && room(c.sessions, s.ID) {
		c.sessions[s.ID] = s
	}
}

func (c *cache) dropSession(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++ // a read racing this drop must not put the old value back
	delete(c.sessions, id)
}

func (c *cache) agent(id string) (*login.AgentSession, bool) {
	if !c.fresh() {
		return nil, false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	a, ok := c.agents[id]
	return a, ok
}

func (c *cache) putAgent(gen uint64, id string, a *login.AgentSession) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen == c.gen && room(c.agents, id) {
		c.agents[id] = a
	}
}

func (c *cache) dropAgent(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.agents, id)
}

// maxEntries bounds each map; past it, reads go to the store.
const maxEntries = 100_000

// room reports whether m may take k: it holds k already, whose value a
// fresher read replaces, or it is not full.
func room[K comparable, V any](m map[K]V, k K) bool {
	_, ok := m[k]
	return ok || len(m) < maxEntries
}
