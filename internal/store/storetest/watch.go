package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

func testWatch(t *testing.T, a, b store.Store) {
	wctx, cancel := context.WithCancel(ctx(t))
	defer cancel()
	got := make(chan store.Change, 16)
	if err := a.Watch(wctx, func(c store.Change) {
		if c.Kind == store.ChangeGrant {
			got <- c
		}
	}); err != nil {
		t.Fatalf("Watch: %v", err)
	}
	t0 := now()
	g := newGrant("acme", 1, t0, time.Hour)
	put(t, b, g)
	expectChange(t, got, store.Change{Kind: store.ChangeGrant, Tenant: "acme", ID: g.ID})
	if _, err := b.EndGrant(ctx(t), "acme", g.ID, store.Ending{At: t0, Reason: store.EndRevoked}); err != nil {
		t.Fatalf("EndGrant: %v", err)
	}
	expectChange(t, got, store.Change{Kind: store.ChangeGrant, Tenant: "acme", ID: g.ID})
}

func expectChange(t *testing.T, got <-chan store.Change, want store.Change) {
	t.Helper()
	select {
	case c := <-got:
		if c != want {
			t.Fatalf("change = %+v, want %+v", c, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no change delivered within 5s, want %+v", want)
	}
}
