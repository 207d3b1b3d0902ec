package ratelimit

import (
	"container/list"
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// MaxKeys is how many keys a Keyed tracks by default.
const MaxKeys = 10_000

// Keyed keeps a token bucket per key, such as a client address or an
// agent. It tracks at most max keys: a new key first drops those idle for
// a whole period (their buckets are full again, so nothing is lost), then,
// if still full, the least recently used one.
type Keyed struct {
	rate Rate
	max  int
	now  func() time.Time

	// shared, when set, holds the budgets of every gateway on the store
	// under name; the buckets here decide only while it fails.
	shared *Shared
	name   string

	mu  sync.Mutex
	m   map[string]*list.Element
	lru list.List // of *entry, most recently used first
}

// entry is one key's bucket.
type entry struct {
	key  string
	lim  *rate.Limiter
	used time.Time // last spent or asked
	held int       // refused since the last event allowed (for Pass)
}

// NewKeyed returns buckets of r for at most max keys (MaxKeys when max is
// not positive), on the clock now (time.Now when nil).
func NewKeyed(r Rate, max int, now func() time.Time) *Keyed {
	if max <= 0 {
		max = MaxKeys
	}
	if now == nil {
		now = time.Now
	}
	return &Keyed{rate: r, max: max, now: now, m: map[string]*list.Element{}}
}

// Rate returns the rate of every key's bucket.
func (k *Keyed) Rate() Rate { return k.rate }

// Share makes k spend from the budgets s keeps under name, shared with
// every gateway on the same store.
func (k *Keyed) Share(s *Shared, name string) {
	k.shared, k.name = s, name
}

// Allow spends one event of key's allowance. When none is left it spends
// nothing and returns false and how long until one is.
func (k *Keyed) Allow(ctx context.Context, key string) (bool, time.Duration) {
	// Spent here too, so a failing shared budget falls back on one with
	// this process's history.
	ok, wait, _ := k.take(key)
	if k.shared != nil {
		if ok, wait, err := k.shared.take(ctx, k.name, key, k.rate); err == nil {
			return ok, wait
		}
	}
	return ok, wait
}

// Pass is Allow for log lines: it also returns how many were refused
// since the last one allowed, for the line to say so.
func (k *Keyed) Pass(key string) (ok bool, held int) {
	ok, _, held = k.take(key)
	return ok, held
}

// Wait returns how long until key may spend an event, spending nothing:
// zero when it may now.
func (k *Keyed) Wait(ctx context.Context, key string) time.Duration {
	if k.shared != nil {
		if wait, err := k.shared.wait(ctx, k.name, key, k.rate); err == nil {
			return wait
		}
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	el, ok := k.m[key]
	if !ok {
		return 0
	}
	now := k.now()
	return untilOne(el.Value.(*entry).lim, now)
}

// Len returns how many keys are tracked.
func (k *Keyed) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.m)
}

// take spends one event of key's allowance if there is one.
func (k *Keyed) take(key string) (ok bool, wait time.Duration, held int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.now()
	e := k.entry(key, now)
	e.used = now
	if !e.lim.AllowN(now, 1) {
		e.held++
		return false, untilOne(e.lim, now), e.held
	}
	held, e.held = e.held, 0
	return true, 0, held
}

// entry returns key's bucket, making it (and room for it) if need be.
func (k *Keyed) entry(key string, now time.Time) *entry {
	if el, ok := k.m[key]; ok {
		k.lru.MoveToFront(el)
		return el.Value.(*entry)
	}
	k.dropIdle(now)
	if len(k.m) >= k.max {
		k.remove(k.lru.Back())
	}
	e := &entry{key: key, lim: rate.NewLimiter(rate.Limit(k.rate.perSecond()), k.rate.Events), used: now}
	k.m[key] = k.lru.PushFront(e)
	return e
}

// dropIdle removes the keys unused for a whole period: their buckets are
// full again, as a new key's would be.
func (k *Keyed) dropIdle(now time.Time) {
	for el := k.lru.Back(); el != nil; el = k.lru.Back() {
		e := el.Value.(*entry)
		if now.Sub(e.used) < k.rate.Per {
			return
		}
		k.remove(el)
	}
}

func (k *Keyed) remove(el *list.Element) {
	delete(k.m, el.Value.(*entry).key)
	k.lru.Remove(el)
}

// untilOne returns how long until lim holds one token at now.
func untilOne(lim *rate.Limiter, now time.Time) time.Duration {
	tokens := lim.TokensAt(now)
	if tokens >= 1 {
		return 0
	}
	return time.Duration((1 - tokens) / float64(lim.Limit()) * float64(time.Second))
}
