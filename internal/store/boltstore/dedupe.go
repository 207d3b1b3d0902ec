package boltstore

import (
	"bytes"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Recent event ids of a tenant, so a retried append skips what an earlier
// try wrote: audit_ids maps id to the key it has in audit_ids_time, which
// orders ids by when they were appended so old ones are dropped cheaply.
var (
	bucketAuditIDs     = []byte("audit_ids")
	bucketAuditIDsTime = []byte("audit_ids_time")
)

// newEvents returns the events whose id the tenant's chain does not hold.
func newEvents(tb *bolt.Bucket, events []store.Event) []store.Event {
	ids := child(tb, bucketAuditIDs)
	if ids == nil {
		return events
	}
	out := events[:0:0]
	for _, e := range events {
		if e.ID == "" || ids.Get([]byte(e.ID)) == nil {
			out = append(out, e)
		}
	}
	return out
}

// rememberIDs notes the ids of appended events at now and forgets those
// older than store.DedupeWindow.
func rememberIDs(tb *bolt.Bucket, events []store.Event, now time.Time) error {
	ids, err := tb.CreateBucketIfNotExists(bucketAuditIDs)
	if err != nil {
		return err
	}
	byTime, err := tb.CreateBucketIfNotExists(bucketAuditIDsTime)
	if err != nil {
		return err
	}
	at := microsKey(now.UnixMicro())
	for _, e := range events {
		if e.ID == "" {
			continue
		}
		k := append(bytes.Clone(at), e.ID...)
		if err := byTime.Put(k, nil); err != nil {
			return err
		}
		if err := ids.Put([]byte(e.ID), k); err != nil {
			return err
		}
	}
	return forgetIDs(ids, byTime, microsKey(now.Add(-store.DedupeWindow).UnixMicro()))
}

// forgetIDs drops the ids appended before cutoff.
func forgetIDs(ids, byTime *bolt.Bucket, cutoff []byte) error {
	c := byTime.Cursor()
	for k, _ := c.First(); k != nil && bytes.Compare(k[:8], cutoff) < 0; k, _ = c.First() {
		if err := ids.Delete(k[8:]); err != nil {
			return err
		}
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}
