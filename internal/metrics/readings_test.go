package metrics_test

import (
	"context"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/metrics"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

func TestStoreReadings(t *testing.T) {
	raw := testkit.Bolt(t)
	queued := func() int { return 3 }
	longest := func() time.Duration { return 8 * time.Hour }
	ctx := context.Background()

	plain := metrics.StoreReadings(raw, raw, queued, longest)
	if n := plain.AuditQueue(); n != 3 {
		t.Errorf("audit queue %d; want the writer's 3", n)
	}
	if _, ok := plain.FeedAge(); ok {
		t.Error("feed age reported for a store opened without Instrument")
	}
	if n, err := plain.ActiveSessions(ctx); err != nil || n != 0 {
		t.Errorf("active sessions of an empty store = %d, %v", n, err)
	}
	c, err := plain.Outbox(ctx)
	if err != nil || len(c) == 0 {
		t.Fatalf("outbox of an empty store = %v, %v; want zero counts", c, err)
	}
	for _, oc := range c {
		if oc.N != 0 {
			t.Errorf("outbox of an empty store counts %+v", oc)
		}
	}

	instrumented := metrics.New().Instrument(raw, "bolt")
	r := metrics.StoreReadings(instrumented, instrumented, queued, longest)
	if _, ok := r.FeedAge(); ok {
		t.Error("feed age reported before anything watched the store")
	}
}
