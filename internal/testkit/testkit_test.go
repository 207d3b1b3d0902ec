package testkit_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

func TestClockMovesOnlyWhenTold(t *testing.T) {
	t0 := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	c := testkit.NewClock(t0)
	if got := c.Now(); !got.Equal(t0) {
		t.Fatalf("Now = %v, want %v", got, t0)
	}
	c.Add(time.Minute)
	if got := c.Now(); !got.Equal(t0.Add(time.Minute)) {
		t.Fatalf("after Add: %v", got)
	}
	c.Set(t0) // earlier: ignored
	if got := c.Now(); !got.Equal(t0.Add(time.Minute)) {
		t.Fatalf("Set to an earlier time moved the clock back to %v", got)
	}
	c.Set(t0.Add(time.Hour))
	if got := c.Now(); !got.Equal(t0.Add(time.Hour)) {
		t.Fatalf("after Set: %v", got)
	}
}

func TestEventuallyWaitsForBackgroundWork(t *testing.T) {
	var done atomic.Bool
	go func() { done.Store(true) }()
	testkit.Eventually(t, done.Load, "the goroutine")
}

// TestStoresOpen checks each opener gives a working store of its kind.
func TestStoresOpen(t *testing.T) {
	_, r := testkit.NewRedis(t)
	for name, s := range map[string]store.Store{"bolt": testkit.Bolt(t), "redis": r} {
		t.Run(name, func(t *testing.T) {
			g := store.Grant{ID: "g_1", Tenant: "acme", CreatedAt: time.Now(), CreatedBy: store.Actor{ID: "ops"}, Scopes: []string{"read"}}
			if _, err := s.PutGrant(context.Background(), g); err != nil {
				t.Fatal(err)
			}
		})
	}
}
