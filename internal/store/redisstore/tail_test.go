package redisstore_test

import (
	"bufio"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/store/redisstore"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// bucketReads watches Redis with MONITOR and returns a function that
// stops watching and says how many buckets of the tenant's audit hash
// clients read back with HMGET: compaction reads a bucket it did not
// write whole. Scripts' HMGETs (append checks recent ids with them) show
// as sent by "lua" and are not counted.
func bucketReads(t *testing.T, c *redis.Client, tenant string) func() int {
	t.Helper()
	conn, err := net.Dial("tcp", c.Options().Addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	r := bufio.NewReader(conn)
	if _, err := conn.Write([]byte("MONITOR\r\n")); err != nil {
		t.Fatal(err)
	}
	if line, err := r.ReadString('\n'); err != nil || line != "+OK\r\n" {
		t.Fatalf("MONITOR = %q, %v", line, err)
	}
	read := `"hmget" "lockbox:{` + tenant + `}:audit" `
	const marker = `"echo" "bucket-reads-done"`
	counted := make(chan int, 1)
	go func() {
		n := 0
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				counted <- -1
				return
			}
			switch {
			case strings.Contains(line, marker):
				counted <- n
				return
			case strings.Contains(line, read) && !strings.Contains(line, " lua] "):
				n++
			}
		}
	}()
	return func() int {
		t.Helper()
		if err := c.Echo(context.Background(), "bucket-reads-done").Err(); err != nil {
			t.Fatal(err)
		}
		select {
		case n := <-counted:
			if n < 0 {
				t.Fatal("MONITOR connection failed")
			}
			return n
		case <-time.After(10 * time.Second):
			t.Fatal("MONITOR never showed the end marker")
		}
		return 0
	}
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
			reads := bucketReads(t, c, "acme")
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
			if n := reads(); tt.wantReads && n < 4 || !tt.wantReads && n != 0 {
				t.Fatalf("%d buckets read back for 4 compacted", n)
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
