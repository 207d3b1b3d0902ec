// Package turns lets the writers of one thing take turns, also across
// instances sharing a store. A change that is a store write followed by
// its audit event is two steps: without turns, two writers could store in
// one order and append their events in the other, leaving a trail whose
// last word is not what is in force, or compute an update from the same
// state and lose one.
package turns

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"time"

	"github.com/lockbox-gw/lockbox/internal/backoff"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// ErrBusy means another writer held the turn for longer than Take waits.
var ErrBusy = errors.New("another change is in progress")

const (
	// TTL frees the turn of a writer that died holding it. A change takes
	// milliseconds; the retries of its event (audit.ChangePatience, 10 s)
	// stay within the turn.
	TTL = 15 * time.Second
	// Wait is how long Take waits for the turn before giving up.
	Wait = 5 * time.Second
)

// policy spaces the tries of a writer waiting for its turn.
var policy = backoff.Policy{Base: 2 * time.Millisecond, Cap: 100 * time.Millisecond}

// Take waits for the turn on the record (kind, id) of st and returns its
// release. Errors are ErrBusy, ctx's, or the store's.
func Take(ctx context.Context, st store.Store, kind, id string) (release func(), err error) {
	token := []byte(rand.Text())
	deadline := time.Now().Add(Wait)
	for attempt := 0; ; attempt++ {
		ok, err := st.CreateRecord(ctx, kind, id, token, TTL)
		if err != nil {
			return nil, err
		}
		if ok {
			return func() { give(st, kind, id, token) }, nil
		}
		d := policy.Delay(attempt)
		if time.Now().Add(d).After(deadline) {
			return nil, ErrBusy
		}
		if err := backoff.Wait(ctx, d); err != nil {
			return nil, err
		}
	}
}

// give ends the turn if it is still this writer's: one that outlived the
// TTL may have passed to another writer (between the read and the delete
// it could still pass on, only after this writer held it for the whole
// TTL). It runs even when the caller's context has ended, so the next
// writer need not wait the TTL; on a store error the TTL frees it.
func give(st store.Store, kind, id string, token []byte) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if held, err := st.GetRecord(ctx, kind, id); err == nil && bytes.Equal(held, token) {
		_ = st.DeleteRecord(ctx, kind, id)
	}
}
