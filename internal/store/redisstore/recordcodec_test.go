package redisstore_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// TestRecordsStoredCompressed: a JSON record is stored deflated and reads
// back exactly; a record an earlier version stored as it is reads and
// swaps as before; values that start with the mark bytes round-trip; a
// damaged compressed record is an error, not a panic.
func TestRecordsStoredCompressed(t *testing.T) {
	srv := redistest.Start(t)
	s, c := testkit.Redis(t, srv.URL()), srv.Client(t)
	doc := []byte(`{"agent":{"sub":"248289761001","iss":"https://accounts.vendor.example","email":"bob@vendor.example"},"roles":["support"],"scopes":["read","write"],"site":"https://support.vendor.example"}`)
	if err := s.PutRecord(ctx(t), "agent", "a", doc, time.Hour); err != nil {
		t.Fatal(err)
	}
	stored, _ := c.Get(ctx(t), "lockbox:rec:agent:a").Bytes()
	if len(stored) >= len(doc) || stored[0] != 0 {
		t.Fatalf("stored %d bytes for a %d-byte record, want it compressed", len(stored), len(doc))
	}
	if got, err := s.GetRecord(ctx(t), "agent", "a"); err != nil || !bytes.Equal(got, doc) {
		t.Fatalf("GetRecord = %s, %v", got, err)
	}
	next := bytes.Replace(doc, []byte("support"), []byte("operations"), 1)
	if ok, err := s.SwapRecord(ctx(t), "agent", "a", doc, next, time.Hour); !ok || err != nil {
		t.Fatalf("SwapRecord of a compressed record = %v, %v", ok, err)
	}

	// Stored as it is, by an earlier version.
	if err := c.Set(ctx(t), "lockbox:rec:agent:old", doc, time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetRecord(ctx(t), "agent", "old"); err != nil || !bytes.Equal(got, doc) {
		t.Fatalf("GetRecord of an earlier record = %s, %v", got, err)
	}
	if ok, err := s.SwapRecord(ctx(t), "agent", "old", next, doc, time.Hour); ok || err != nil {
		t.Fatalf("SwapRecord with the wrong old value = %v, %v", ok, err)
	}
	if ok, err := s.SwapRecord(ctx(t), "agent", "old", doc, next, time.Hour); !ok || err != nil {
		t.Fatalf("SwapRecord of an earlier record = %v, %v", ok, err)
	}
	if got, err := s.TakeRecord(ctx(t), "agent", "old"); err != nil || !bytes.Equal(got, next) {
		t.Fatalf("TakeRecord = %s, %v", got, err)
	}

	for _, v := range [][]byte{{0}, {1, 2}, []byte("\x00" + strings.Repeat("x", 200)), []byte("plain")} {
		if ok, err := s.CreateRecord(ctx(t), "k", "v", v, time.Minute); !ok || err != nil {
			t.Fatal(err)
		}
		if got, err := s.TakeRecord(ctx(t), "k", "v"); err != nil || !bytes.Equal(got, v) {
			t.Fatalf("round trip of %q = %q, %v", v, got, err)
		}
	}

	if err := c.Set(ctx(t), "lockbox:rec:agent:bad", "\x00\xff\xfe not deflate", time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetRecord(ctx(t), "agent", "bad"); err == nil {
		t.Fatal("a damaged compressed record read without error")
	}
}
