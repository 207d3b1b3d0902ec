package boltstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Retention keys in a tenant's bucket:
//
//	audit_anchor   head JSON of the last event moved out
//	audit_lease    lease JSON of the mover
var (
	keyAuditAnchor = []byte("audit_anchor")
	keyAuditLease  = []byte("audit_lease")
)

var _ store.Retention = (*Store)(nil)

// storedLease is a retention lease as kept in the file.
type storedLease struct {
	Holder string    `json:"holder"`
	Fence  int64     `json:"fence"`
	Until  time.Time `json:"until"`
}

// LeaseRetention takes or renews the tenant's retention lease. One bbolt
// writer at a time makes the read and the write one step.
func (s *Store) LeaseRetention(ctx context.Context, tenant, holder string, now time.Time, ttl time.Duration) (store.RetentionLease, error) {
	if err := store.CheckLeaseArgs(tenant, holder, ttl); err != nil {
		return store.RetentionLease{}, fmt.Errorf("retention lease: %w", err)
	}
	until := now.Add(ttl).UTC().Truncate(time.Microsecond)
	var out store.RetentionLease
	err := s.update(ctx, func(tx *bolt.Tx) error {
		tb, err := createTenant(tx, tenant)
		if err != nil {
			return err
		}
		var cur storedLease
		if tb.Get(keyAuditLease) != nil {
			if err := getJSON(tb, keyAuditLease, &cur); err != nil {
				return err
			}
		}
		live := cur.Until.After(now)
		switch {
		case live && cur.Holder != holder:
			return store.ErrRetentionHeld
		case !live:
			cur.Fence++
		}
		cur.Holder, cur.Until = holder, until
		out = store.RetentionLease{Tenant: tenant, Holder: holder, Fence: cur.Fence, Until: until}
		return putJSON(tb, keyAuditLease, cur)
	})
	if err != nil {
		return store.RetentionLease{}, fmt.Errorf("retention lease of tenant %s: %w", tenant, err)
	}
	return out, nil
}

// AuditAnchor returns the last event moved out of the tenant's chain.
func (s *Store) AuditAnchor(ctx context.Context, tenant string) (store.Head, error) {
	return s.viewHead(ctx, tenant, keyAuditAnchor, "audit anchor")
}

// readAnchor returns the stored anchor, zero if nothing was moved out.
func readAnchor(tb *bolt.Bucket) (store.Head, error) { return headAt(tb, keyAuditAnchor) }

// TrimEvents removes events up to to and moves the anchor in one
// transaction, after checking the lease, the anchor and to's hash.
func (s *Store) TrimEvents(ctx context.Context, l store.RetentionLease, now time.Time, to store.Head) error {
	err := s.update(ctx, func(tx *bolt.Tx) error {
		tb := tenantBucket(tx, l.Tenant)
		if tb == nil {
			return store.ErrRetentionLost
		}
		var cur storedLease
		if tb.Get(keyAuditLease) == nil {
			return store.ErrRetentionLost
		}
		if err := getJSON(tb, keyAuditLease, &cur); err != nil {
			return err
		}
		if cur.Holder != l.Holder || cur.Fence != l.Fence || !cur.Until.After(now) {
			return store.ErrRetentionLost
		}
		anchor, err := readAnchor(tb)
		if err != nil {
			return err
		}
		done, err := store.CheckTrim(anchor, to)
		if err != nil || done {
			return err
		}
		return trim(tb, anchor.Seq, to)
	})
	if err != nil {
		return fmt.Errorf("trim audit events of tenant %s to seq %d: %w", l.Tenant, to.Seq, err)
	}
	return nil
}

// trim deletes events from+1 to to.Seq with their time index entries and
// records to as the anchor.
func trim(tb *bolt.Bucket, from int64, to store.Head) error {
	audit, times := child(tb, bucketAudit), child(tb, bucketAuditTime)
	if audit == nil || times == nil {
		return store.ErrTrimMismatch
	}
	var last struct {
		Hash string `json:"hash"`
	}
	raw := audit.Get(seqKey(to.Seq))
	if raw == nil || json.Unmarshal(raw, &last) != nil || last.Hash != to.Hash {
		return store.ErrTrimMismatch
	}
	for seq := from + 1; seq <= to.Seq; seq++ {
		raw := audit.Get(seqKey(seq))
		if raw == nil {
			continue
		}
		var e struct {
			Time time.Time `json:"time"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			return fmt.Errorf("decode event at seq %d: %w", seq, err)
		}
		if err := errors.Join(audit.Delete(seqKey(seq)), times.Delete(timeKey(e.Time, seq))); err != nil {
			return err
		}
	}
	to.Time = to.Time.UTC()
	return putJSON(tb, keyAuditAnchor, to)
}
