package testkit

import (
	"sync"
	"time"
)

// Clock is an injected clock that moves only when the test moves it. It
// is safe for concurrent use, so code under test may read it from its own
// goroutines while the test advances it.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock reading start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// NowClock returns a clock reading the current time to the second, for
// tests whose code also meets the system clock (an identity provider
// stamping tokens, say).
func NowClock() *Clock { return NewClock(time.Now().UTC().Truncate(time.Second)) }

// Now returns the clock's time; it has the signature of time.Now so it
// can be passed where code takes a func() time.Time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t if t is later; a clock set to a time already
// passed stays where it is, as a real clock would.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
}
