package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Retention errors; callers test them with errors.Is.
var (
	// ErrRetentionHeld means another mover holds the tenant's retention
	// lease.
	ErrRetentionHeld = errors.New("retention lease held by another mover")
	// ErrRetentionLost means the lease a trim names is no longer held: it
	// ran out and another mover took it.
	ErrRetentionLost = errors.New("retention lease lost")
	// ErrTrimMismatch means the event a trim names is not the one stored
	// at its seq, so what was archived is not what would be removed.
	ErrTrimMismatch = errors.New("trim target does not match the stored chain")
)

// MaxTrim is the most events one TrimEvents call removes, so a trim is a
// short write that never holds appends up for long.
const MaxTrim = MaxPageSize

// RetentionLease names one holding of a tenant's retention lease. Fence
// grows with every new holding, so a mover whose lease ran out cannot
// trim after another mover took over (it fences stale holders like the
// outbox's attempt counter).
type RetentionLease struct {
	Tenant string
	Holder string
	Fence  int64
	Until  time.Time
}

// Retention is what a backend offers for moving old audit events out of
// the store: a lease per tenant so one mover works at a time, and a trim
// that removes the oldest events while remembering the last one removed
// (the anchor), so the oldest kept event still links to it.
//
// Events reads only events after the anchor; store.Verify starts its walk
// at the anchor.
type Retention interface {
	// LeaseRetention takes the tenant's retention lease for holder until
	// now+ttl. It renews the lease (same Fence) if holder has it, takes a
	// new holding (next Fence) if it is free or ran out before now, and
	// returns ErrRetentionHeld otherwise.
	LeaseRetention(ctx context.Context, tenant, holder string, now time.Time, ttl time.Duration) (RetentionLease, error)
	// AuditAnchor returns the last event removed from the tenant's chain
	// (zero if none): the link the oldest kept event points back to.
	AuditAnchor(ctx context.Context, tenant string) (Head, error)
	// TrimEvents removes the tenant's events after the anchor up to and
	// including to.Seq (at most MaxTrim of them) and makes to the anchor,
	// all at once, if l still holds the lease at now. The stored event at
	// to.Seq must have to.Hash (ErrTrimMismatch otherwise). Trimming to
	// the anchor itself is a no-op, so a retried trim succeeds.
	TrimEvents(ctx context.Context, l RetentionLease, now time.Time, to Head) error
}

// CheckTrim rejects a trim that no mover asks for, given the current
// anchor: backends call it before removing anything. done reports a trim
// already made (to is the anchor).
func CheckTrim(anchor, to Head) (done bool, err error) {
	switch {
	case to.Seq == anchor.Seq && to.Hash == anchor.Hash:
		return true, nil
	case to.Seq <= anchor.Seq:
		return false, fmt.Errorf("%w: seq %d is not after the anchor %d", ErrTrimMismatch, to.Seq, anchor.Seq)
	case to.Seq-anchor.Seq > MaxTrim:
		return false, fmt.Errorf("trim of %d events is more than %d at once", to.Seq-anchor.Seq, MaxTrim)
	case to.Hash == "":
		return false, fmt.Errorf("%w: no hash given", ErrTrimMismatch)
	}
	return false, nil
}

// CheckLeaseArgs rejects lease arguments that cannot be honoured.
func CheckLeaseArgs(tenant, holder string, ttl time.Duration) error {
	switch {
	case tenant == "":
		return errors.New("tenant is required")
	case holder == "" || len(holder) > 200:
		return errors.New("lease holder must be 1-200 bytes")
	case ttl <= 0:
		return fmt.Errorf("lease ttl must be positive, not %s", ttl)
	}
	return nil
}

// Wrapper is a store that adds to another one (publishing, say); Unwrap
// returns that one, so its optional interfaces stay reachable.
type Wrapper interface {
	Unwrap() Store
}

// AsRetention returns the Retention of s or of a store it wraps.
func AsRetention(s Store) (Retention, bool) { return As[Retention](s) }

// As returns the optional interface T of s or of a store it wraps
// (through Wrapper), so a wrapper need not forward what it does not add.
func As[T any](s Store) (T, bool) {
	for s != nil {
		if r, ok := s.(T); ok {
			return r, true
		}
		w, ok := s.(Wrapper)
		if !ok {
			break
		}
		s = w.Unwrap()
	}
	var zero T
	return zero, false
}

// auditAnchor returns the anchor of s for tenant, zero if s keeps no
// anchors.
func auditAnchor(ctx context.Context, s Store, tenant string) (Head, error) {
	r, ok := AsRetention(s)
	if !ok {
		return Head{}, nil
	}
	return r.AuditAnchor(ctx, tenant)
}
