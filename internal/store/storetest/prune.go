package storetest

import (
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

func historyOf(t *testing.T, s store.Store) store.HistoryRetention {
	t.Helper()
	h, ok := store.AsHistoryRetention(s)
	if !ok {
		t.Fatalf("%T does not keep store.HistoryRetention", s)
	}
	return h
}

func testPruneSessions(t *testing.T, _ store.Retention, a, b store.Store) {
	h := historyOf(t, a)
	t0 := now().Add(-30 * 24 * time.Hour)
	for i := range 5 {
		if err := a.PutSession(ctx(t), newSession("acme", i, t0.Add(time.Duration(i)*24*time.Hour))); err != nil {
			t.Fatal(err)
		}
	}
	// Sessions 0-2 end a day after they start, 3 ends late, 4 stays open.
	for i := range 4 {
		end := t0.Add(time.Duration(i+1) * 24 * time.Hour)
		if i == 3 {
			end = now()
		}
		if _, err := a.EndSession(ctx(t), "acme", newSession("acme", i, t0).ID, end, store.SessionLogout); err != nil {
			t.Fatal(err)
		}
	}
	cutoff := t0.Add(10 * 24 * time.Hour)
	if n, err := h.PruneSessions(ctx(t), "acme", cutoff, 2); err != nil || n != 2 {
		t.Fatalf("PruneSessions limit 2 = %d, %v", n, err)
	}
	if n, err := h.PruneSessions(ctx(t), "acme", cutoff, 10); err != nil || n != 1 {
		t.Fatalf("PruneSessions again = %d, %v; want the third", n, err)
	}
	if n, err := h.PruneSessions(ctx(t), "acme", cutoff, 10); err != nil || n != 0 {
		t.Fatalf("PruneSessions a third time = %d, %v", n, err)
	}
	left, _, err := b.Sessions(ctx(t), "acme", store.Page{})
	if err != nil || len(left) != 2 {
		t.Fatalf("Sessions after prune = %d, %v; want the late-ended and the open one", len(left), err)
	}
	if _, err := b.GetSession(ctx(t), "acme", newSession("acme", 0, t0).ID); err == nil {
		t.Fatal("a pruned session is still there")
	}
}

func testPruneGrants(t *testing.T, _ store.Retention, a, b store.Store) {
	h := historyOf(t, a)
	t0 := now().Add(-30 * 24 * time.Hour)
	for i := range 3 {
		put(t, a, newGrant("acme", i, t0.Add(time.Duration(i)*24*time.Hour), 0)) // each replaces the one before
	}
	if n, err := h.PruneGrants(ctx(t), "acme", t0.Add(36*time.Hour), 10); err != nil || n != 1 {
		t.Fatalf("PruneGrants = %d, %v; want the first", n, err)
	}
	// A cutoff in the future never takes the active grant.
	if n, err := h.PruneGrants(ctx(t), "acme", now().Add(365*24*time.Hour), 10); err != nil || n != 1 {
		t.Fatalf("PruneGrants with a far cutoff = %d, %v; want the second only", n, err)
	}
	if g := active(t, b, "acme"); g.ID != newGrant("acme", 2, t0, 0).ID {
		t.Fatalf("active grant = %s", g.ID)
	}
	if hist := history(t, b, "acme"); len(hist) != 1 {
		t.Fatalf("history after prune = %v", ids(hist))
	}
}
