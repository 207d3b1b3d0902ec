package admins

import (
	"bytes"
	"context"
	"crypto/rand"
	"time"

	"github.com/lockbox-gw/lockbox/internal/backoff"
	"github.com/lockbox-gw/lockbox/internal/problem"
)

// A change of a tenant's list is a store write and then an audit event,
// two steps. Writers of one tenant take turns through a lease record, so
// the events land in the order the lists were stored and the trail ends
// with the list in force, also across instances sharing the store.
const (
	leaseKind = "admins-lease"
	// leaseTTL frees the lease of a writer that died holding it; a change
	// takes milliseconds.
	leaseTTL = 15 * time.Second
	// leaseWait is how long Set waits for its turn before giving up.
	leaseWait = 5 * time.Second
)

// leasePolicy spaces the tries of a writer waiting for its turn.
var leasePolicy = backoff.Policy{Base: 2 * time.Millisecond, Cap: 100 * time.Millisecond}

// lease waits for the tenant's lease and returns its release.
func (r *Registry) lease(ctx context.Context, tenantID string) (release func(), err error) {
	token := []byte(rand.Text())
	deadline := time.Now().Add(leaseWait)
	for attempt := 0; ; attempt++ {
		ok, err := r.store.CreateRecord(ctx, leaseKind, tenantID, token, leaseTTL)
		if err != nil {
			return nil, problem.Store(err)
		}
		if ok {
			return func() { r.release(tenantID, token) }, nil
		}
		d := leasePolicy.Delay(attempt)
		if time.Now().Add(d).After(deadline) {
			return nil, problem.New(problem.Conflict, "admins_changed", "the admins of tenant %s are being changed by someone else; try again", tenantID)
		}
		if err := backoff.Wait(ctx, d); err != nil {
			return nil, err
		}
	}
}

// release ends the lease if it is still this writer's: one that outlived
// its TTL may have passed to another writer (between the read and the
// delete it could still pass on, only after this writer held it for the
// whole TTL). It runs even when the request's context has ended, so the
// next writer need not wait the TTL; on a store error the TTL frees it.
func (r *Registry) release(tenantID string, token []byte) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if held, err := r.store.GetRecord(ctx, leaseKind, tenantID); err == nil && bytes.Equal(held, token) {
		_ = r.store.DeleteRecord(ctx, leaseKind, tenantID)
	}
}
