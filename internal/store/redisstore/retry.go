package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	bo "github.com/lockbox-gw/lockbox/internal/backoff"
)

// maxAttempts bounds the optimistic retries of a write that keeps losing
// races to other writers.
const maxAttempts = 100

// collided spaces out the retries of a write that lost a race.
var collided = bo.Policy{Base: time.Millisecond, Cap: 20 * time.Millisecond}

// backoff sleeps a short random time that grows with attempt, so writers
// that collided spread out instead of colliding again.
func backoff(ctx context.Context, attempt int) error {
	return bo.Wait(ctx, collided.Delay(attempt))
}

// token returns a random value that tells one call's writes from
// another's.
func token() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // never fails
	return hex.EncodeToString(b[:])
}
