package boltstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lockbox-gw/lockbox/internal/store"
)

var _ store.HistoryRetention = (*Store)(nil)

// ended is the part of a session or grant a prune reads.
type ended struct {
	EndedAt *time.Time `json:"ended_at"`
}

// PruneSessions deletes sessions that ended before cutoff, walking them
// by start: a session that ended before cutoff started before it.
func (s *Store) PruneSessions(ctx context.Context, tenant string, cutoff time.Time, limit int) (int, error) {
	if err := store.CheckPrune(tenant, limit); err != nil {
		return 0, fmt.Errorf("prune sessions: %w", err)
	}
	n := 0
	err := s.update(ctx, func(tx *bolt.Tx) error {
		tb := tenantBucket(tx, tenant)
		var err error
		n, err = prune(child(tb, bucketSessionOrder), child(tb, bucketSessions), nil, cutoff, limit)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune sessions of tenant %s: %w", tenant, err)
	}
	return n, nil
}

// PruneGrants deletes grants that ended before cutoff, never the active
// one, walking them by creation.
func (s *Store) PruneGrants(ctx context.Context, tenant string, cutoff time.Time, limit int) (int, error) {
	if err := store.CheckPrune(tenant, limit); err != nil {
		return 0, fmt.Errorf("prune grants: %w", err)
	}
	n := 0
	err := s.update(ctx, func(tx *bolt.Tx) error {
		tb := tenantBucket(tx, tenant)
		if tb == nil {
			return nil
		}
		var err error
		n, err = prune(child(tb, bucketOrder), child(tb, bucketGrants), tb.Get(keyActive), cutoff, limit)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune grants of tenant %s: %w", tenant, err)
	}
	return n, nil
}

// prune deletes up to limit documents of docs, found through order (keys
// starting with a time, values ids) before cutoff, that ended before
// cutoff; keep is an id never deleted.
func prune(order, docs *bolt.Bucket, keep []byte, cutoff time.Time, limit int) (int, error) {
	if order == nil || docs == nil {
		return 0, nil
	}
	end := microsKey(cutoff.UnixMicro())
	var drop [][]byte
	var ids [][]byte
	c := order.Cursor()
	for k, id := c.First(); k != nil && bytes.Compare(k[:8], end) < 0 && len(drop) < limit; k, id = c.Next() {
		raw := docs.Get(id)
		if raw == nil || bytes.Equal(id, keep) {
			continue
		}
		var e ended
		if err := json.Unmarshal(raw, &e); err != nil {
			return 0, fmt.Errorf("decode %s: %w", id, err)
		}
		if e.EndedAt != nil && e.EndedAt.Before(cutoff) {
			drop = append(drop, bytes.Clone(k))
			ids = append(ids, bytes.Clone(id))
		}
	}
	for i := range drop {
		if err := order.Delete(drop[i]); err != nil {
			return 0, err
		}
		if err := docs.Delete(ids[i]); err != nil {
			return 0, err
		}
	}
	return len(drop), nil
}
