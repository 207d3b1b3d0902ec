package storetest

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

func testRecords(t *testing.T, a, b store.Store) {
	c := ctx(t)
	if _, err := a.GetRecord(c, "login", "x"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetRecord of missing: %v", err)
	}
	if err := a.PutRecord(c, "login", "x", []byte("one"), time.Minute); err != nil {
		t.Fatalf("PutRecord: %v", err)
	}
	if v, err := b.GetRecord(c, "login", "x"); err != nil || string(v) != "one" {
		t.Fatalf("GetRecord = %q, %v", v, err)
	}
	if _, err := b.GetRecord(c, "agent", "x"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("kinds are not separate: %v", err)
	}
	if ok, err := b.CreateRecord(c, "login", "x", []byte("two"), 0); ok || err != nil {
		t.Fatalf("CreateRecord over a live record = %v, %v", ok, err)
	}
	if ok, err := b.SwapRecord(c, "login", "x", []byte("wrong"), []byte("three"), 0); ok || err != nil {
		t.Fatalf("SwapRecord with a stale old value = %v, %v", ok, err)
	}
	if ok, err := b.SwapRecord(c, "login", "x", []byte("one"), []byte("three"), 0); !ok || err != nil {
		t.Fatalf("SwapRecord = %v, %v", ok, err)
	}
	if v, err := a.TakeRecord(c, "login", "x"); err != nil || string(v) != "three" {
		t.Fatalf("TakeRecord = %q, %v", v, err)
	}
	if _, err := b.TakeRecord(c, "login", "x"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second TakeRecord: %v", err)
	}
	if ok, err := a.CreateRecord(c, "login", "x", []byte("four"), 0); !ok || err != nil {
		t.Fatalf("CreateRecord after take = %v, %v", ok, err)
	}
	if err := a.DeleteRecord(c, "login", "x"); err != nil {
		t.Fatalf("DeleteRecord: %v", err)
	}
	if err := a.DeleteRecord(c, "login", "x"); err != nil {
		t.Fatalf("DeleteRecord of missing: %v", err)
	}
}

func testRecordExpiry(t *testing.T, a, _ store.Store) {
	c := ctx(t)
	if err := a.PutRecord(c, "login", "short", []byte("v"), 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := a.GetRecord(c, "login", "short")
		if errors.Is(err, store.ErrNotFound) {
			break
		}
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("record with a 50ms ttl still readable after 5s (err %v)", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := a.TakeRecord(c, "login", "short"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("TakeRecord of expired: %v", err)
	}
	if ok, err := a.CreateRecord(c, "login", "short", []byte("again"), 0); !ok || err != nil {
		t.Fatalf("CreateRecord over an expired record = %v, %v", ok, err)
	}
}

// testBadRecordNames checks every backend refuses the same record names
// and a negative ttl, with a validation error rather than ErrNotFound.
func testBadRecordNames(t *testing.T, s, _ store.Store) {
	cases := []struct{ name, kind, id string }{
		{"empty kind", "", "x"},
		{"empty id", "login", ""},
		{"colon in kind", "log:in", "x"},
		{"brace in kind", "{login}", "x"},
		{"long kind", strings.Repeat("k", 65), "x"},
		{"long id", "login", strings.Repeat("i", 513)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := s.PutRecord(ctx(t), c.kind, c.id, []byte("v"), time.Minute); err == nil {
				t.Error("PutRecord accepted it")
			}
			if _, err := s.GetRecord(ctx(t), c.kind, c.id); err == nil || errors.Is(err, store.ErrNotFound) {
				t.Errorf("GetRecord: err = %v, want a validation error", err)
			}
		})
	}
	if err := s.PutRecord(ctx(t), "login", "x", []byte("v"), -time.Second); err == nil {
		t.Error("PutRecord accepted a negative ttl")
	}
}

// testTakeOnce races TakeRecord from two clients: exactly one gets it.
func testTakeOnce(t *testing.T, a, b store.Store) {
	for i := range 20 {
		id := string(rune('a' + i))
		if err := a.PutRecord(ctx(t), "state", id, []byte("v"), time.Minute); err != nil {
			t.Fatal(err)
		}
		var wins atomic.Int64
		var wg sync.WaitGroup
		for w := range 6 {
			c := alternate(w, a, b)
			wg.Go(func() {
				if _, err := c.TakeRecord(ctx(t), "state", id); err == nil {
					wins.Add(1)
				} else if !errors.Is(err, store.ErrNotFound) {
					t.Errorf("TakeRecord: %v", err)
				}
			})
		}
		wg.Wait()
		if wins.Load() != 1 {
			t.Fatalf("record %s taken %d times", id, wins.Load())
		}
	}
}

func testPublish(t *testing.T, a, b store.Store) {
	got := make(chan store.Change, 16)
	if err := a.Watch(ctx(t), func(c store.Change) {
		if c.Kind != store.ChangeResync {
			got <- c
		}
	}); err != nil {
		t.Fatalf("Watch: %v", err)
	}
	if err := b.Publish(ctx(t), store.Change{Kind: store.ChangeKeys}); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	expectChange(t, got, store.Change{Kind: store.ChangeKeys})
	s := newSession("acme", 1, now())
	if err := b.PutSession(ctx(t), s); err != nil {
		t.Fatal(err)
	}
	if _, err := b.EndSession(ctx(t), "acme", s.ID, now(), store.SessionLogout); err != nil {
		t.Fatal(err)
	}
	expectChange(t, got, store.Change{Kind: store.ChangeSession, Tenant: "acme", ID: s.ID})
}
