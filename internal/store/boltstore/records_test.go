package boltstore

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store/storetest"
	bolt "go.etcd.io/bbolt"
)

// putRaw stores a record behind the store's back with the given expiry.
func putRaw(t *testing.T, s *Store, kind, id string, expiry time.Time) {
	t.Helper()
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.Bucket(bucketRecords).CreateBucketIfNotExists([]byte(kind))
		if err != nil {
			return err
		}
		return b.Put([]byte(id), encodeRecord([]byte("v"), expiry.UnixNano()))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// rawCount is how many records of kind the file holds, expired or not.
func rawCount(t *testing.T, s *Store, kind string) int {
	t.Helper()
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := child(tx.Bucket(bucketRecords), []byte(kind)); b != nil {
			n = b.Stats().KeyN
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestExpiredRecordIsDeletedByAFailedSwap(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "lockbox.db"))
	putRaw(t, s, "login", "old", time.Now().Add(-time.Minute))
	if ok, err := s.SwapRecord(ctx(t), "login", "old", []byte("v"), []byte("w"), 0); ok || err != nil {
		t.Fatalf("SwapRecord of an expired record = %v, %v", ok, err)
	}
	if n := rawCount(t, s, "login"); n != 0 {
		t.Fatalf("%d records left, want the expired one deleted", n)
	}
}

func TestExpiredRecordsAreSwept(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "lockbox.db"))
	for _, id := range []string{"a", "b", "c"} {
		putRaw(t, s, "login", id, time.Now().Add(-time.Minute))
	}
	putRaw(t, s, "login", "live", time.Now().Add(time.Hour))
	for range sweepEvery {
		if err := s.PutRecord(ctx(t), "login", "busy", []byte("v"), time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if n := rawCount(t, s, "login"); n != 2 {
		t.Fatalf("%d records left after %d writes, want the live and the busy one", n, sweepEvery)
	}
}

func TestReopenKeepsSessionsAndRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lockbox.db")
	s := openAt(t, path)
	sess := storetest.Session("acme", "s1", t0)
	if err := s.PutSession(ctx(t), sess); err != nil {
		t.Fatal(err)
	}
	if err := s.PutRecord(ctx(t), "keys", "signing", []byte("k"), 0); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, path)
	if got, err := s.GetSession(ctx(t), "acme", "s1"); err != nil || got.ID != "s1" {
		t.Fatalf("GetSession after reopen = %+v, %v", got, err)
	}
	if v, err := s.GetRecord(ctx(t), "keys", "signing"); err != nil || string(v) != "k" {
		t.Fatalf("GetRecord after reopen = %q, %v", v, err)
	}
}
