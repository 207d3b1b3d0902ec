// Package backoff spaces out the retries of a failing operation: each
// delay doubles from a base up to a cap, and is jittered so that
// instances that failed together do not retry together.
package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Policy is how delays grow.
type Policy struct {
	// Base is the delay before the first retry, before jitter.
	Base time.Duration
	// Cap is the longest delay, before jitter.
	Cap time.Duration
}

// Delay returns the wait before retry number attempt (0 for the first):
// Base doubled attempt times, at most Cap, then a random point in its
// upper half, so delays keep growing while spreading out.
func (p Policy) Delay(attempt int) time.Duration {
	d := max(p.Base, 0)
	for i := 0; i < attempt && d < p.Cap; i++ {
		d *= 2
	}
	d = min(d, p.Cap)
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// Backoff counts the failures in a row of one operation. Its zero value
// is not usable; build one with New. It is not safe for concurrent use.
type Backoff struct {
	Policy
	attempt int
}

// New returns a Backoff whose delays grow from base to ceiling.
func New(base, ceiling time.Duration) *Backoff {
	return &Backoff{Policy: Policy{Base: base, Cap: ceiling}}
}

// Next returns the delay before the next retry and counts one failure.
func (b *Backoff) Next() time.Duration {
	d := b.Delay(b.attempt)
	b.attempt++
	return d
}

// Reset starts over after a success.
func (b *Backoff) Reset() { b.attempt = 0 }

// Wait waits d, or until ctx ends; it returns ctx's error if that came
// first.
func Wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
