package redisstore_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/store/redisstore"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// hmgetCalls is how many HMGETs Redis has run: compaction reads a
// bucket back with one.
func hmgetCalls(t *testing.T, c *redis.Client) int {
	t.Helper()
	info, err := c.InfoMap(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	stat := info["Commandstats"]["cmdstat_hmget"]
	calls, _, _ := strings.Cut(strings.TrimPrefix(stat, "calls="), ",")
	n, _ := strconv.Atoi(calls)
	return n
}

// TestBucketsCompactFromWhatWasAppended compacts buckets one instance
// wrote whole from what it appended, reading nothing back, and buckets
// two instances
// wrote in turns by reading them back; either way every event reads back
// exactly and the chain verifies.
func TestBucketsCompactFromWhatWasAppended(t *testing.T) {
	tests := []struct {
		name      string
		writers   int
		wantReads bool
	}{
		{name: "one instance", writers: 1},
		{name: "two instances in turns", writers: 2, wantReads: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := redistest.Start(t)
			c := srv.Client(t)
			var ws []*redisstore.Store
			for range tt.writers {
				w, err := redisstore.Open(srv.URL())
				if err != nil {
					t.Fatal(err)
				}
				ws = append(ws, w)
			}
			before := hmgetCalls(t, c)
			t0 := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
			var all []store.Event
			const n, batch = 4 * 64, 16
			for i := 0; i < n; i += batch {
				var evs []store.Event
				for j := i; j < i+batch; j++ {
					evs = append(evs, realisticRequest(j, t0.Add(time.Duration(j)*time.Second)))
				}
				out, err := ws[(i/batch)%len(ws)].AppendEvents(context.Background(), "acme", evs...)
				if err != nil {
					t.Fatal(err)
				}
				all = append(all, out...)
			}
			for _, w := range ws {
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
			}
			fields, err := c.HKeys(context.Background(), "lockbox:{acme}:audit").Result()
			if err != nil || len(fields) != 4 {
				t.Fatalf("audit fields = %v, %v; want 4 buckets", fields, err)
			}
			reads := hmgetCalls(t, c) - before
			if tt.wantReads && reads < 4 || !tt.wantReads && reads != 0 {
				t.Fatalf("%d buckets read back for 4 compacted", reads)
			}
			s := testkit.Redis(t, srv.URL())
			got, err := s.Events(ctx(t), "acme", store.EventQuery{Limit: store.MaxPageSize})
			if err != nil || len(got) != len(all) {
				t.Fatalf("Events = %d, %v; want %d", len(got), err, len(all))
			}
			for i := range all {
				if got[i].Hash != all[i].Hash || string(got[i].Data) != string(all[i].Data) {
					t.Fatalf("event %d = %s, want %s", i, got[i].Hash, all[i].Hash)
				}
			}
			if v, err := store.Verify(ctx(t), s, "acme"); err != nil || !v.OK {
				t.Fatalf("Verify = %+v, %v", v, err)
			}
		})
	}
}
