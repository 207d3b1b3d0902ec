package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// RunRetention runs the retention cases against a backend that keeps
// store.Retention, each on a fresh backend.
func RunRetention(t *testing.T, open Opener) {
	cases := []struct {
		name string
		run  func(*testing.T, store.Retention, store.Store, store.Store)
	}{
		{"TrimKeepsChainVerifiable", testTrimKeepsChain},
		{"TrimRefusesWhatWasNotArchived", testTrimMismatch},
		{"LeaseOneMoverAtATime", testRetentionLease},
		{"LeaseRaceOneWinner", testRetentionLeaseRace},
		{"PruneSessions", testPruneSessions},
		{"PruneGrants", testPruneGrants},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, b := open(t)
			r, ok := a.(store.Retention)
			if !ok {
				t.Fatalf("%T does not keep store.Retention", a)
			}
			c.run(t, r, a, b)
		})
	}
}

// seedEvents appends n events a minute apart from t0 and returns them.
func seedEvents(t *testing.T, s store.Store, tenant string, t0 time.Time, n int) []store.Event {
	t.Helper()
	var out []store.Event
	for i := range n {
		out = append(out, appendEvents(t, s, tenant, event("http.request", t0.Add(time.Duration(i)*time.Minute), fmt.Sprintf(`{"i":%d}`, i)))...)
	}
	return out
}

func headOf(e store.Event) store.Head { return store.Head{Seq: e.Seq, Hash: e.Hash, Time: e.Time} }

func takeLease(t *testing.T, r store.Retention, tenant, holder string, at time.Time) store.RetentionLease {
	t.Helper()
	l, err := r.LeaseRetention(ctx(t), tenant, holder, at, time.Minute)
	if err != nil {
		t.Fatalf("LeaseRetention(%s): %v", holder, err)
	}
	return l
}

func testTrimKeepsChain(t *testing.T, r store.Retention, a, b store.Store) {
	t0 := now()
	events := seedEvents(t, a, "acme", t0, 10)
	l := takeLease(t, r, "acme", "mover-1", t0)
	if err := r.TrimEvents(ctx(t), l, t0, headOf(events[3])); err != nil {
		t.Fatalf("TrimEvents: %v", err)
	}
	// A retried trim (lost reply) succeeds and changes nothing.
	if err := r.TrimEvents(ctx(t), l, t0, headOf(events[3])); err != nil {
		t.Fatalf("TrimEvents again: %v", err)
	}
	anchor, err := r.AuditAnchor(ctx(t), "acme")
	if err != nil || anchor.Seq != 4 || anchor.Hash != events[3].Hash {
		t.Fatalf("AuditAnchor = %+v, %v; want seq 4", anchor, err)
	}
	kept, err := b.Events(ctx(t), "acme", store.EventQuery{})
	if err != nil || len(kept) != 6 || kept[0].Seq != 5 || kept[0].PrevHash != anchor.Hash {
		t.Fatalf("Events after trim = %d events (first %+v), %v; want 5..10 linked to the anchor", len(kept), kept, err)
	}
	since, err := b.Events(ctx(t), "acme", store.EventQuery{Since: t0})
	if err != nil || len(since) != 6 || since[0].Seq != 5 {
		t.Fatalf("Events since the first event's time = %d events, %v", len(since), err)
	}
	v, err := store.Verify(ctx(t), b, "acme")
	if err != nil || !v.OK || v.Events != 6 || v.From != 4 {
		t.Fatalf("Verify after trim = %+v, %v", v, err)
	}
	appendEvents(t, a, "acme", event("http.request", t0.Add(time.Hour), ""))
	verifyOK(t, b, "acme", 7)
	if err := r.TrimEvents(ctx(t), l, t0, headOf(events[9])); err != nil {
		t.Fatalf("TrimEvents to 10: %v", err)
	}
	verifyOK(t, b, "acme", 1)
}

func testTrimMismatch(t *testing.T, r store.Retention, a, _ store.Store) {
	t0 := now()
	events := seedEvents(t, a, "acme", t0, 5)
	l := takeLease(t, r, "acme", "mover-1", t0)
	wrong := headOf(events[2])
	wrong.Hash = events[1].Hash
	if err := r.TrimEvents(ctx(t), l, t0, wrong); !errors.Is(err, store.ErrTrimMismatch) {
		t.Fatalf("trim with the wrong hash = %v, want ErrTrimMismatch", err)
	}
	if err := r.TrimEvents(ctx(t), l, t0, store.Head{Seq: 9, Hash: "x"}); !errors.Is(err, store.ErrTrimMismatch) {
		t.Fatalf("trim past the head = %v, want ErrTrimMismatch", err)
	}
	if err := r.TrimEvents(ctx(t), l, t0, headOf(events[1])); err != nil {
		t.Fatalf("TrimEvents: %v", err)
	}
	if err := r.TrimEvents(ctx(t), l, t0, headOf(events[0])); !errors.Is(err, store.ErrTrimMismatch) {
		t.Fatalf("trim behind the anchor = %v, want ErrTrimMismatch", err)
	}
	if err := r.TrimEvents(ctx(t), l, t0, store.Head{Seq: 2 + store.MaxTrim + 1, Hash: "x"}); err == nil {
		t.Fatal("a trim of more than MaxTrim events was accepted")
	}
	verifyOK(t, a, "acme", 3)
}

func testRetentionLease(t *testing.T, r store.Retention, a, _ store.Store) {
	t0 := now()
	events := seedEvents(t, a, "acme", t0, 3)
	l1 := takeLease(t, r, "acme", "mover-1", t0)
	if _, err := r.LeaseRetention(ctx(t), "acme", "mover-2", t0.Add(30*time.Second), time.Minute); !errors.Is(err, store.ErrRetentionHeld) {
		t.Fatalf("second mover's lease = %v, want ErrRetentionHeld", err)
	}
	if l := takeLease(t, r, "acme", "mover-1", t0.Add(30*time.Second)); l.Fence != l1.Fence {
		t.Fatalf("renewal fence %d, want %d", l.Fence, l1.Fence)
	}
	if other := takeLease(t, r, "globex", "mover-2", t0); other.Tenant != "globex" {
		t.Fatalf("lease of another tenant = %+v", other)
	}
	// mover-1's renewed lease ends at t0+90s; mover-2 takes over after.
	later := t0.Add(2 * time.Minute)
	l2 := takeLease(t, r, "acme", "mover-2", later)
	if l2.Fence <= l1.Fence {
		t.Fatalf("takeover fence %d, want more than %d", l2.Fence, l1.Fence)
	}
	if err := r.TrimEvents(ctx(t), l1, t0.Add(time.Second), headOf(events[0])); !errors.Is(err, store.ErrRetentionLost) {
		t.Fatalf("stale mover's trim = %v, want ErrRetentionLost", err)
	}
	if err := r.TrimEvents(ctx(t), l2, later.Add(2*time.Minute), headOf(events[0])); !errors.Is(err, store.ErrRetentionLost) {
		t.Fatalf("trim after the lease ran out = %v, want ErrRetentionLost", err)
	}
	if err := r.TrimEvents(ctx(t), l2, later, headOf(events[0])); err != nil {
		t.Fatalf("holder's trim: %v", err)
	}
}

func testRetentionLeaseRace(t *testing.T, _ store.Retention, a, b store.Store) {
	t0 := now()
	seedEvents(t, a, "acme", t0, 1)
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for i, s := range []store.Store{a, b, a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.(store.Retention).LeaseRetention(ctx(t), "acme", fmt.Sprintf("mover-%d", i), t0, time.Minute)
			switch {
			case err == nil:
				mu.Lock()
				won++
				mu.Unlock()
			case !errors.Is(err, store.ErrRetentionHeld):
				t.Errorf("LeaseRetention: %v", err)
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d movers took the lease at once, want 1", won)
	}
}
