package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// sweepEvery is how many record writes pass between sweeps of the written
// kind's expired records, which would otherwise stay in the file until
// read (an abandoned login's state never is).
const sweepEvery = 256

// expiryLen is the size of the expiry that prefixes every stored record.
const expiryLen = 8

// PutRecord stores value under kind and id; ttl 0 keeps it until deleted.
func (s *Store) PutRecord(ctx context.Context, kind, id string, value []byte, ttl time.Duration) error {
	_, err := s.writeRecord(ctx, "put", kind, id, value, ttl, func([]byte, bool) bool { return true })
	return err
}

// CreateRecord stores value only if no live record exists.
func (s *Store) CreateRecord(ctx context.Context, kind, id string, value []byte, ttl time.Duration) (bool, error) {
	return s.writeRecord(ctx, "create", kind, id, value, ttl, func(_ []byte, live bool) bool { return !live })
}

// SwapRecord replaces the record only if it is live and holds old.
func (s *Store) SwapRecord(ctx context.Context, kind, id string, old, value []byte, ttl time.Duration) (bool, error) {
	return s.writeRecord(ctx, "swap", kind, id, value, ttl, func(cur []byte, live bool) bool {
		return live && bytes.Equal(cur, old)
	})
}

// writeRecord writes value if cond, given the live record if any, allows
// it; checking and writing share one transaction. A record found expired
// is deleted even when cond refuses the write.
func (s *Store) writeRecord(ctx context.Context, op, kind, id string, value []byte, ttl time.Duration,
	cond func(cur []byte, live bool) bool) (bool, error) {
	if err := store.CheckRecordWrite(kind, id, ttl); err != nil {
		return false, fmt.Errorf("%s record: %w", op, err)
	}
	sweep := s.recordWrites.Add(1)%sweepEvery == 0
	wrote := false
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b, err := createKind(tx, kind)
		if err != nil {
			return err
		}
		now := time.Now()
		if sweep {
			if err := sweepRecords(b, now); err != nil {
				return err
			}
		}
		cur, live := liveRecord(b, id, now)
		if !cond(cur, live) {
			if !live {
				return b.Delete([]byte(id))
			}
			return nil
		}
		wrote = true
		return b.Put([]byte(id), encodeRecord(value, expiryOf(now, ttl)))
	})
	if err != nil {
		return false, fmt.Errorf("%s record %s/%s: %w", op, kind, id, err)
	}
	return wrote, nil
}

// GetRecord returns a live record. An expired one is left for a later
// write to delete, since reading takes no write lock.
func (s *Store) GetRecord(ctx context.Context, kind, id string) ([]byte, error) {
	if err := store.CheckRecord(kind, id); err != nil {
		return nil, fmt.Errorf("get record: %w", err)
	}
	var out []byte
	err := s.view(ctx, func(tx *bolt.Tx) error {
		v, ok := liveRecord(child(tx.Bucket(bucketRecords), []byte(kind)), id, time.Now())
		if !ok {
			return store.ErrNotFound
		}
		out = bytes.Clone(v) // bbolt's memory is only valid inside the tx
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("get record %s/%s: %w", kind, id, err)
	}
	return out, nil
}

// TakeRecord returns a live record and deletes it in one transaction, so
// of several callers only one gets it.
func (s *Store) TakeRecord(ctx context.Context, kind, id string) ([]byte, error) {
	if err := store.CheckRecord(kind, id); err != nil {
		return nil, fmt.Errorf("take record: %w", err)
	}
	var out []byte
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b := child(tx.Bucket(bucketRecords), []byte(kind))
		v, ok := liveRecord(b, id, time.Now())
		if ok {
			out = bytes.Clone(v)
		}
		if b != nil {
			if err := b.Delete([]byte(id)); err != nil { // expired or not
				return err
			}
		}
		if !ok {
			return store.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("take record %s/%s: %w", kind, id, err)
	}
	return out, nil
}

// DeleteRecord deletes a record; a missing one is no error.
func (s *Store) DeleteRecord(ctx context.Context, kind, id string) error {
	if err := store.CheckRecord(kind, id); err != nil {
		return fmt.Errorf("delete record: %w", err)
	}
	err := s.update(ctx, func(tx *bolt.Tx) error {
		b := child(tx.Bucket(bucketRecords), []byte(kind))
		if b == nil {
			return nil
		}
		return b.Delete([]byte(id))
	})
	if err != nil {
		return fmt.Errorf("delete record %s/%s: %w", kind, id, err)
	}
	return nil
}

// createKind returns the records bucket of kind, creating it if needed.
func createKind(tx *bolt.Tx, kind string) (*bolt.Bucket, error) {
	top := tx.Bucket(bucketRecords)
	if top == nil {
		return nil, errors.New("lockbox store is not initialized")
	}
	return top.CreateBucketIfNotExists([]byte(kind))
}

// liveRecord returns the data of the record at id if it has not expired
// at now. b may be nil.
func liveRecord(b *bolt.Bucket, id string, now time.Time) ([]byte, bool) {
	if b == nil {
		return nil, false
	}
	raw := b.Get([]byte(id))
	if len(raw) < expiryLen || expired(raw, now) {
		return nil, false
	}
	return raw[expiryLen:], true
}

// expired reports whether the stored record raw has expired at now.
func expired(raw []byte, now time.Time) bool {
	exp := int64(binary.BigEndian.Uint64(raw))
	return exp != 0 && now.UnixNano() >= exp
}

// expiryOf is the stored expiry of a record written at now: unix
// nanoseconds, 0 for none.
func expiryOf(now time.Time, ttl time.Duration) int64 {
	if ttl == 0 {
		return 0
	}
	return now.Add(ttl).UnixNano()
}

// encodeRecord prefixes value with its expiry.
func encodeRecord(value []byte, expiry int64) []byte {
	out := binary.BigEndian.AppendUint64(make([]byte, 0, expiryLen+len(value)), uint64(expiry))
	return append(out, value...)
}

// sweepRecords deletes b's expired and unreadable records.
func sweepRecords(b *bolt.Bucket, now time.Time) error {
	var dead [][]byte
	err := b.ForEach(func(k, v []byte) error {
		if len(v) < expiryLen || expired(v, now) {
			dead = append(dead, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range dead {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
