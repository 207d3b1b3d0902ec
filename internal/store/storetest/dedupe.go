package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/store"
)

func withID(e store.Event, id string) store.Event {
	e.ID = id
	return e
}

// testAuditIdempotent: an event whose id the chain holds is skipped, alone
// or in a batch with new ones, from either client; events without an id
// are always appended.
func testAuditIdempotent(t *testing.T, a, b store.Store) {
	t0 := now()
	x := withID(event("http.started", t0, `{"path":"/x"}`), "ev-x")
	y := withID(event("http.started", t0, `{"path":"/y"}`), "ev-y")
	z := withID(event("http.started", t0, `{"path":"/z"}`), "ev-z")
	if got := appendEvents(t, a, "acme", x, y); len(got) != 2 || got[0].ID != "ev-x" {
		t.Fatalf("first append = %+v", got)
	}
	if got := appendEvents(t, b, "acme", x); len(got) != 0 {
		t.Fatalf("repeated append stored %+v, want nothing", got)
	}
	got := appendEvents(t, b, "acme", y, z, x)
	if len(got) != 1 || got[0].ID != "ev-z" || got[0].Seq != 3 {
		t.Fatalf("append of two old and one new = %+v, want only ev-z at seq 3", got)
	}
	appendEvents(t, a, "acme", event("http.request", t0, ""), event("http.request", t0, ""))
	appendEvents(t, a, "globex", x) // ids are per tenant
	all, err := b.Events(ctx(t), "acme", store.EventQuery{})
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	ids := []string{}
	for _, e := range all {
		ids = append(ids, e.ID)
	}
	if fmt.Sprint(ids) != "[ev-x ev-y ev-z  ]" {
		t.Fatalf("ids in the chain = %q", ids)
	}
	verifyOK(t, a, "acme", 5)
	verifyOK(t, a, "globex", 1)
}

// testAuditIdempotentRace: the same events appended at once by both
// clients, as a retry racing the append it repeats, are stored once.
func testAuditIdempotentRace(t *testing.T, a, b store.Store) {
	t0 := now()
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		e := withID(event("http.started", t0, fmt.Sprintf(`{"i":%d}`, i)), fmt.Sprintf("ev-%d", i))
		for _, s := range []store.Store{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.AppendEvents(ctx(t), "acme", e); err != nil {
					t.Errorf("AppendEvents: %v", err)
				}
			}()
		}
	}
	wg.Wait()
	verifyOK(t, a, "acme", n)
}

// testAuditIDTooLong: an oversized id is refused, nothing written.
func testAuditIDTooLong(t *testing.T, a, _ store.Store) {
	long := make([]byte, store.MaxEventID+1)
	for i := range long {
		long[i] = 'a'
	}
	if _, err := a.AppendEvents(ctx(t), "acme", withID(event("http.started", now(), ""), string(long))); err == nil {
		t.Fatal("append with an oversized id succeeded")
	}
	verifyOK(t, a, "acme", 0)
}
