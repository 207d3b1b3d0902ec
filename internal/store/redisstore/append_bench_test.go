package redisstore_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/store/redisstore"
)

// redisCPU is the CPU time redis-server has used, from INFO cpu.
func redisCPU(b *testing.B, c *redis.Client) time.Duration {
	b.Helper()
	info, err := c.InfoMap(context.Background(), "cpu").Result()
	if err != nil {
		b.Fatal(err)
	}
	var total time.Duration
	for _, k := range []string{"used_cpu_user", "used_cpu_sys"} {
		secs, err := strconv.ParseFloat(info["CPU"][k], 64)
		if err != nil {
			b.Fatalf("INFO cpu %s: %v", k, err)
		}
		total += time.Duration(secs * float64(time.Second))
	}
	return total
}

// BenchmarkAppendBatch appends realistic http.request events in batches
// of 16, as group commit under load writes them, compaction included
// (Close waits for it). Besides the gateway's side (ns/op, allocs) it
// reports the CPU redis-server spent per event, which shares the machine
// with the gateway in most deployments.
func BenchmarkAppendBatch(b *testing.B) {
	srv := redistest.Start(b)
	c := srv.Client(b)
	s, err := redisstore.Open(srv.URL())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	t0 := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	const batch = 16
	evs := make([]store.Event, batch)
	i := 0
	before := redisCPU(b, c)
	b.ReportAllocs()
	for b.Loop() {
		for j := range evs {
			evs[j] = realisticRequest(i, t0.Add(time.Duration(i)*time.Millisecond))
			i++
		}
		if _, err := s.AppendEvents(ctx, "acme", evs...); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Close(); err != nil { // compactions are part of the cost
		b.Fatal(err)
	}
	b.ReportMetric(float64(redisCPU(b, c)-before)/float64(time.Microsecond)/float64(i), "redis-µs/event")
	b.ReportMetric(float64(b.Elapsed())/float64(time.Microsecond)/float64(i), "µs/event")
}
