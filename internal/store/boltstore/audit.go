package boltstore

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// AppendEvents links events onto the tenant's chain. Reading the head and
// writing the links share one transaction, and bbolt runs one writer at a
// time, so concurrent appends cannot fork the chain.
func (s *Store) AppendEvents(ctx context.Context, tenant string, events ...store.Event) ([]store.Event, error) {
	if len(events) == 0 {
		return nil, nil
	}
	var out []store.Event
	err := s.update(ctx, func(tx *bolt.Tx) error {
		var err error
		out, err = appendEvents(tx, tenant, stamp(events, time.Now()), time.Now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("append audit events of tenant %s: %w", tenant, err)
	}
	return out, nil
}

// stamp returns a copy of events with a missing Time set to now, so every
// stored event is placed in time.
func stamp(events []store.Event, now time.Time) []store.Event {
	out := make([]store.Event, len(events))
	for i, e := range events {
		if e.Time.IsZero() {
			e.Time = now
		}
		out[i] = e
	}
	return out
}

// appendEvents links the events whose id the chain does not already hold
// and returns them; now is when they are appended.
func appendEvents(tx *bolt.Tx, tenant string, events []store.Event, now time.Time) ([]store.Event, error) {
	tb, err := createTenant(tx, tenant)
	if err != nil {
		return nil, err
	}
	if events = newEvents(tb, events); len(events) == 0 {
		return []store.Event{}, nil
	}
	head, err := readHead(tb)
	if err != nil {
		return nil, err
	}
	linked, encoded, head, err := store.LinkAllJSON(head, tenant, events)
	if err != nil {
		return nil, err
	}
	audit, err := tb.CreateBucketIfNotExists(bucketAudit)
	if err != nil {
		return nil, err
	}
	times, err := tb.CreateBucketIfNotExists(bucketAuditTime)
	if err != nil {
		return nil, err
	}
	for i, e := range linked {
		if err := audit.Put(seqKey(e.Seq), encoded[i]); err != nil {
			return nil, err
		}
		if err := times.Put(timeKey(e.Time, e.Seq), nil); err != nil {
			return nil, err
		}
	}
	if err := rememberIDs(tb, linked, now); err != nil {
		return nil, err
	}
	return linked, putJSON(tb, keyAuditHead, head)
}

// Events reads the tenant's chain in seq order. It walks the stored keys
// rather than counting seqs, so a missing event shows up as a gap that
// store.Verify reports.
func (s *Store) Events(ctx context.Context, tenant string, q store.EventQuery) ([]store.Event, error) {
	var out []store.Event
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		out, err = readEvents(tenantBucket(tx, tenant), q)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("audit events of tenant %s: %w", tenant, err)
	}
	return out, nil
}

func readEvents(tb *bolt.Bucket, q store.EventQuery) ([]store.Event, error) {
	audit := child(tb, bucketAudit)
	if audit == nil {
		return nil, nil
	}
	start, ok := firstSeq(child(tb, bucketAuditTime), q)
	if !ok {
		return nil, nil
	}
	var out []store.Event
	c := audit.Cursor()
	for k, v := c.Seek(seqKey(start)); k != nil && len(out) < q.Size(); k, v = c.Next() {
		var e store.Event
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, fmt.Errorf("decode event at seq %d: %w", int64(seqOfKey(k)), err)
		}
		// Seq order is time order (store.Link ensures it), so the first
		// event past Until ends the range.
		if !q.Until.IsZero() && e.Time.After(q.Until) {
			break
		}
		out = append(out, e)
	}
	return out, nil
}

// firstSeq returns the first seq the query can match: past AfterSeq and,
// found through the time index, not before Since. ok is false when no
// event can match.
func firstSeq(times *bolt.Bucket, q store.EventQuery) (seq int64, ok bool) {
	if q.AfterSeq == math.MaxInt64 {
		return 0, false
	}
	seq = max(q.AfterSeq+1, 1)
	if q.Since.IsZero() {
		return seq, true
	}
	if times == nil {
		return 0, false
	}
	k, _ := times.Cursor().Seek(microsKey(ceilMicros(q.Since)))
	if k == nil {
		return 0, false
	}
	return max(seq, seqOfTimeKey(k)), true
}

// AuditHead returns the last link of the tenant's chain, zero if empty.
func (s *Store) AuditHead(ctx context.Context, tenant string) (store.Head, error) {
	return s.viewHead(ctx, tenant, keyAuditHead, "audit head")
}

// readHead returns the stored head, zero if the chain is empty.
func readHead(tb *bolt.Bucket) (store.Head, error) { return headAt(tb, keyAuditHead) }

// viewHead reads the head JSON at key of the tenant's bucket (the chain's
// head or its anchor), zero if there is none; what names it in errors.
func (s *Store) viewHead(ctx context.Context, tenant string, key []byte, what string) (store.Head, error) {
	var h store.Head
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		h, err = headAt(tenantBucket(tx, tenant), key)
		return err
	})
	if err != nil {
		return store.Head{}, fmt.Errorf("%s of tenant %s: %w", what, tenant, err)
	}
	return h, nil
}

// headAt returns the head JSON at key of tb, zero if there is none; tb
// may be nil.
func headAt(tb *bolt.Bucket, key []byte) (store.Head, error) {
	var h store.Head
	if tb == nil || tb.Get(key) == nil {
		return h, nil
	}
	err := getJSON(tb, key, &h)
	return h, err
}
