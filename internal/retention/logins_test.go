package retention

import (
	"context"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/archive"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// TestMoveAllMovesTheLoginsChain moves the agent logins chain, which
// belongs to no tenant, into the archive under its reserved name, like a
// tenant's chain; the further prunes run for tenants only.
func TestMoveAllMovesTheLoginsChain(t *testing.T) {
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			s, _ := open(t)
			a := archive.New(t.TempDir())
			c := testkit.NewClock(t0)
			day := Day(t0)
			seed(t, s, store.LoginsChain, day.Add(-4*24*time.Hour), 120)
			seed(t, s, store.LoginsChain, day, 5)
			seed(t, s, "acme", day.Add(-4*24*time.Hour), 3)
			var pruned []string
			m, err := New(Config{Store: s, Archive: a, Window: 48 * time.Hour, Holder: "gw-1", Now: c.Now, Lease: time.Minute,
				Prune: []PruneFunc{func(_ context.Context, tenant string, cutoff time.Time) (int, error) {
					if !cutoff.Equal(t0.Add(-48 * time.Hour)) {
						t.Errorf("prune cutoff %s", cutoff)
					}
					pruned = append(pruned, tenant)
					return 1, nil
				}}})
			if err != nil {
				t.Fatal(err)
			}
			if err := m.MoveAll(ctx(t)); err != nil {
				t.Fatal(err)
			}
			if archived, stored := chain(t, s, a, store.LoginsChain); archived != 120 || stored != 5 {
				t.Fatalf("logins chain: archived %d, stored %d; want 120 and 5", archived, stored)
			}
			if v, err := store.Verify(ctx(t), s, store.LoginsChain); err != nil || !v.OK || v.From != 120 {
				t.Fatalf("Verify of the logins chain = %+v, %v", v, err)
			}
			if days, _ := a.Days(store.LoginsChain); len(days) != 1 {
				t.Fatalf("logins chain archived as %d day files", len(days))
			}
			if len(pruned) != 0 {
				t.Fatalf("prunes ran for %v, want none (acme has no grant, the logins chain no records)", pruned)
			}
			if _, err := m.MoveTenant(ctx(t), "acme"); err != nil {
				t.Fatal(err)
			}
			if len(pruned) != 1 || pruned[0] != "acme" || m.Status().Pruned != 1 {
				t.Fatalf("prunes ran for %v (status %+v), want acme", pruned, m.Status())
			}
		})
	}
}
