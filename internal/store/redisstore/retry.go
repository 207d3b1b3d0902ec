package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	mrand "math/rand/v2"
	"time"
)

// maxAttempts bounds the optimistic retries of a write that keeps losing
// races to other writers.
const maxAttempts = 100

// backoff sleeps a short random time that grows with attempt, so writers
// that collided spread out instead of colliding again.
func backoff(ctx context.Context, attempt int) error {
	ceiling := time.Duration(min(attempt+1, 20)) * time.Millisecond
	t := time.NewTimer(mrand.N(ceiling) + time.Millisecond/10)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// token returns a random value that tells one call's writes from
// another's.
func token() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // never fails
	return hex.EncodeToString(b[:])
}
