package redisstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/store/redisstore"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// fillCompacted appends n realistic events a second apart to acme and
// closes the store, which waits for the full buckets to be compacted.
func fillCompacted(t *testing.T, srv *redistest.Server, n int, t0 time.Time) []store.Event {
	t.Helper()
	w, err := redisstore.Open(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	var all []store.Event
	for i := 0; i < n; i += 10 {
		var evs []store.Event
		for j := i; j < min(i+10, n); j++ {
			evs = append(evs, realisticRequest(j, t0.Add(time.Duration(j)*time.Second)))
		}
		out, err := w.AppendEvents(context.Background(), "acme", evs...)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, out...)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return all
}

// TestBucketsReadBackExactly compacts full buckets and reads every event,
// a page starting inside a bucket and a time range, byte for byte as
// appended; the chain verifies.
func TestBucketsReadBackExactly(t *testing.T) {
	srv := redistest.Start(t)
	t0 := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	all := fillCompacted(t, srv, 200, t0)
	c := srv.Client(t)
	fields, err := c.HKeys(context.Background(), "lockbox:{acme}:audit").Result()
	if err != nil {
		t.Fatal(err)
	}
	// 3 full buckets of 64 and the 8 events after them, stored alone.
	buckets := 0
	for _, f := range fields {
		if strings.HasPrefix(f, "b") {
			buckets++
		}
	}
	if len(fields) != 3+8 || buckets != 3 {
		t.Fatalf("audit fields = %v, want three buckets and 8 events", fields)
	}
	s := testkit.Redis(t, srv.URL())
	got, err := s.Events(ctx(t), "acme", store.EventQuery{Limit: store.MaxPageSize})
	if err != nil || len(got) != len(all) {
		t.Fatalf("Events = %d, %v; want %d", len(got), err, len(all))
	}
	for i := range all {
		if got[i].Hash != all[i].Hash || got[i].Seq != all[i].Seq {
			t.Fatalf("event %d = seq %d %s, want seq %d %s", i, got[i].Seq, got[i].Hash, all[i].Seq, all[i].Hash)
		}
	}
	page, err := s.Events(ctx(t), "acme", store.EventQuery{AfterSeq: 100, Limit: 5})
	if err != nil || len(page) != 5 || page[0].Seq != 101 {
		t.Fatalf("page after 100 = %+v, %v", page, err)
	}
	since, err := s.Events(ctx(t), "acme", store.EventQuery{Since: t0.Add(70*time.Second + time.Millisecond), Until: t0.Add(75 * time.Second), Limit: 50})
	if err != nil || len(since) != 5 || since[0].Seq != 72 || since[4].Seq != 76 {
		t.Fatalf("time range = %d events from seq %v, %v; want seqs 72-76", len(since), since, err)
	}
	if v, err := store.Verify(ctx(t), s, "acme"); err != nil || !v.OK {
		t.Fatalf("Verify = %+v, %v", v, err)
	}
}

// TestBucketsTrimAndDamage trims into a compacted bucket (whole buckets
// before it go, reads skip what the anchor passed), refuses a trim whose
// hash the bucket does not hold, and reports a damaged bucket as an error.
func TestBucketsTrimAndDamage(t *testing.T) {
	srv := redistest.Start(t)
	t0 := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	all := fillCompacted(t, srv, 200, t0)
	s := testkit.Redis(t, srv.URL())
	now := t0.Add(time.Hour)
	l, err := s.LeaseRetention(ctx(t), "acme", "mover", now, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	wrong := store.Head{Seq: 100, Hash: all[0].Hash, Time: all[99].Time}
	if err := s.TrimEvents(ctx(t), l, now, wrong); err == nil {
		t.Fatal("a trim to seq 100 with another event's hash succeeded")
	}
	to := store.Head{Seq: 100, Hash: all[99].Hash, Time: all[99].Time}
	if err := s.TrimEvents(ctx(t), l, now, to); err != nil {
		t.Fatal(err)
	}
	c := srv.Client(t)
	if n, _ := c.HExists(ctx(t), "lockbox:{acme}:audit", "b0").Result(); n {
		t.Fatal("bucket 0, wholly trimmed, is still stored")
	}
	got, err := s.Events(ctx(t), "acme", store.EventQuery{Limit: store.MaxPageSize})
	if err != nil || len(got) != 100 || got[0].Seq != 101 {
		t.Fatalf("after trim: %d events, %v", len(got), err)
	}
	if v, err := store.Verify(ctx(t), s, "acme"); err != nil || !v.OK {
		t.Fatalf("Verify after trim = %+v, %v", v, err)
	}
	if err := c.HSet(ctx(t), "lockbox:{acme}:audit", "b2", "\x00not deflate").Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Events(ctx(t), "acme", store.EventQuery{AfterSeq: 128, Limit: 10}); err == nil || !strings.Contains(err.Error(), "bucket") {
		t.Fatalf("reading a damaged bucket: %v, want an error naming the bucket", err)
	}
}
