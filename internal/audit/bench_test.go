package audit_test

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/audit"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// BenchmarkRecordToRedis records http.request events with their session
// touches from parallel callers, as proxied agent requests do, and
// includes writing them all to a real Redis.
func BenchmarkRecordToRedis(b *testing.B) {
	_, s := testkit.NewRedis(b)
	t0 := time.Now().UTC().Truncate(time.Second)
	sess := store.Session{ID: "s_1", Tenant: "acme", Scopes: []string{"read"}, StartedAt: t0, EndsAt: t0.Add(time.Hour), LastSeen: t0}
	if err := s.PutSession(context.Background(), sess); err != nil {
		b.Fatal(err)
	}
	w := audit.NewWriter(s, audit.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.Run(ctx)
	data, _ := json.Marshal(map[string]any{"method": "GET", "path": "/api/orders", "status": 200, "bytes": 1024, "duration_ms": 3})
	actor := &store.Actor{ID: "agent:248289761001", Email: "bob@vendor.example"}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			now := time.Now()
			e := store.Event{Type: "http.request", Time: now, Actor: actor, Grant: "g_01JD6W7Q1Z8C7V5N2M4K3H9TQX", Session: "s_1", Data: data}
			touch := &store.Touch{Tenant: "acme", ID: "s_1", LastSeen: now, Requests: 1}
			if err := w.Record(context.Background(), "acme", e, touch); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer() // writing what is left is not a Record's cost
	c, done := context.WithTimeout(context.Background(), time.Minute)
	defer done()
	if err := w.Close(c); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkRecordDurableToRedis records as audit strict does: parallel
// callers each wait until their event is in Redis, sharing writes (group
// commit). Each op is one durable event; batch-events/op shows how many
// shared a write.
func BenchmarkRecordDurableToRedis(b *testing.B) {
	_, rs := testkit.NewRedis(b)
	s := &countingAppends{Store: rs}
	w := audit.NewWriter(s, audit.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go w.Run(ctx)
	data, _ := json.Marshal(map[string]any{"method": "GET", "path": "/api/orders", "request_id": "GJ7ZB4JIGP2VTZ7MAAPFCTQM5M"})
	actor := &store.Actor{ID: "agent:248289761001", Email: "bob@vendor.example", Issuer: "https://login.example.com"}
	b.SetParallelism(16) // many requests waiting at once, as under load
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			e := store.Event{Type: "http.started", Time: time.Now(), Actor: actor, Session: "s_1", Data: data}
			if err := w.RecordDurable(context.Background(), "acme", e, nil); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	if n := s.calls.Load(); n > 0 {
		b.ReportMetric(float64(b.N)/float64(n), "batch-events/op")
	}
	c, done := context.WithTimeout(context.Background(), time.Minute)
	defer done()
	if err := w.Close(c); err != nil {
		b.Fatal(err)
	}
}

// countingAppends counts the writer's appends, that is its round trips.
type countingAppends struct {
	store.Store
	calls atomic.Int64
}

func (c *countingAppends) AppendEvents(ctx context.Context, tenant string, events ...store.Event) ([]store.Event, error) {
	c.calls.Add(1)
	return c.Store.AppendEvents(ctx, tenant, events...)
}
