package storetest

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

var extender = store.Actor{ID: "admin-1", Email: "owner@acme.test", Role: "owner"}

func testGrantExtend(t *testing.T, a, b store.Store) {
	t0 := now()
	g := newGrant("acme", 1, t0, 2*time.Hour)
	put(t, a, g)
	to := g.ExpiresAt.Add(24 * time.Hour)
	got, err := b.ExtendGrant(ctx(t), "acme", g.ID, store.Extension{At: t0.Add(time.Hour), By: extender, To: to, Request: "r_1"})
	if err != nil {
		t.Fatalf("ExtendGrant: %v", err)
	}
	if got.ID != g.ID || !got.ExpiresAt.Equal(to) || len(got.Extensions) != 1 {
		t.Fatalf("ExtendGrant returned %+v", got)
	}
	e := got.Extensions[0]
	if !e.From.Equal(*g.ExpiresAt) || !e.To.Equal(to) || e.By != extender || e.Request != "r_1" || !e.At.Equal(t0.Add(time.Hour)) {
		t.Fatalf("extension recorded as %+v", e)
	}
	// The same grant, active, with the later expiry, seen by the other client.
	act := active(t, a, "acme")
	if act.ID != g.ID || !act.ExpiresAt.Equal(to) || len(act.Extensions) != 1 || act.Expired(g.ExpiresAt.Add(time.Minute)) {
		t.Fatalf("active after extension = %+v", act)
	}
	if h := history(t, a, "acme"); len(h) != 1 || len(h[0].Extensions) != 1 {
		t.Fatalf("history after extension = %+v, want the one grant carrying its extension", h)
	}
	// A second extension adds to the first.
	to2 := to.Add(time.Hour)
	got, err = a.ExtendGrant(ctx(t), "acme", g.ID, store.Extension{At: t0.Add(2 * time.Hour), By: extender, To: to2})
	if err != nil || len(got.Extensions) != 2 || !got.Extensions[1].From.Equal(to) || !got.ExpiresAt.Equal(to2) {
		t.Fatalf("second ExtendGrant = %+v, %v", got, err)
	}
}

func testGrantExtendErrors(t *testing.T, a, _ store.Store) {
	t0 := now()
	ext := store.Extension{At: t0, By: extender, To: t0.Add(48 * time.Hour)}
	if _, err := a.ExtendGrant(ctx(t), "acme", "g_missing", ext); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("ExtendGrant missing: err = %v, want ErrNotFound", err)
	}
	g1, g2 := newGrant("acme", 1, t0, time.Hour), newGrant("acme", 2, t0.Add(time.Second), time.Hour)
	put(t, a, g1)
	put(t, a, g2)
	if _, err := a.ExtendGrant(ctx(t), "acme", g1.ID, ext); !errors.Is(err, store.ErrEnded) {
		t.Fatalf("ExtendGrant of a replaced grant: err = %v, want ErrEnded", err)
	}
	if got, _ := a.GetGrant(ctx(t), "acme", g1.ID); len(got.Extensions) != 0 {
		t.Fatalf("failed ExtendGrant changed the replaced grant: %+v", got)
	}
	if _, err := a.ExtendGrant(ctx(t), "globex", g2.ID, ext); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("ExtendGrant of acme's grant through globex: err = %v, want ErrNotFound", err)
	}
	standing := newGrant("initech", 1, t0, 0)
	put(t, a, standing)
	if _, err := a.ExtendGrant(ctx(t), "initech", standing.ID, ext); err == nil {
		t.Fatal("ExtendGrant of a standing grant succeeded")
	}
}

// testGrantConcurrentExtend: racing extensions from two clients all land,
// none overwriting another.
func testGrantConcurrentExtend(t *testing.T, a, b store.Store) {
	t0 := now()
	g := newGrant("acme", 1, t0, time.Hour)
	put(t, a, g)
	const n = 6
	var wg sync.WaitGroup
	for w := range n {
		s := alternate(w, a, b)
		wg.Go(func() {
			// Each asks for a distinct end, so lost updates would show.
			ext := store.Extension{At: t0, By: extender, To: g.ExpiresAt.Add(time.Duration(w+1) * time.Hour)}
			if _, err := s.ExtendGrant(ctx(t), "acme", g.ID, ext); err != nil {
				t.Errorf("ExtendGrant: %v", err)
			}
		})
	}
	wg.Wait()
	if got := active(t, b, "acme"); len(got.Extensions) != n {
		t.Fatalf("after %d racing extensions the grant records %d", n, len(got.Extensions))
	}
}

// testGrantEndKeepsExtensions: extensions racing the end of a grant from
// two clients are either kept on the ended grant or refused, never lost.
func testGrantEndKeepsExtensions(t *testing.T, a, b store.Store) {
	t0 := now()
	for round := range 5 {
		g := newGrant("acme", round+1, t0.Add(time.Duration(round)*time.Second), time.Hour)
		put(t, a, g)
		raceExtensions(t, a, b, g, store.EndRevoked, func() error {
			_, err := b.EndGrant(ctx(t), "acme", g.ID, store.Ending{At: t0, Reason: store.EndRevoked})
			return err
		})
	}
}

// testGrantReplaceKeepsExtensions: extensions racing a new grant that
// replaces the extended one are kept on the replaced grant or refused.
func testGrantReplaceKeepsExtensions(t *testing.T, a, b store.Store) {
	t0 := now()
	prev := newGrant("acme", 1, t0, time.Hour)
	put(t, a, prev)
	for round := range 5 {
		next := newGrant("acme", round+2, t0.Add(time.Duration(round+1)*time.Second), time.Hour)
		raceExtensions(t, a, b, prev, store.EndReplaced, func() error {
			_, err := b.PutGrant(ctx(t), next)
			return err
		})
		prev = next
	}
}

// raceExtensions extends active grant g six times from both clients
// while end ends it, then checks the ended grant, ended for reason, keeps
// every extension that was reported to land.
func raceExtensions(t *testing.T, a, b store.Store, g store.Grant, reason string, end func() error) {
	t.Helper()
	var landed atomic.Int64
	var wg sync.WaitGroup
	for w := range 6 {
		s := alternate(w, a, b)
		wg.Go(func() {
			ext := store.Extension{At: g.CreatedAt, By: extender, To: g.ExpiresAt.Add(time.Duration(w+1) * time.Minute)}
			_, err := s.ExtendGrant(ctx(t), g.Tenant, g.ID, ext)
			switch {
			case err == nil:
				landed.Add(1)
			case !errors.Is(err, store.ErrEnded):
				t.Errorf("ExtendGrant: %v", err)
			}
		})
	}
	wg.Go(func() {
		if err := end(); err != nil {
			t.Errorf("ending the grant: %v", err)
		}
	})
	wg.Wait()
	got, err := a.GetGrant(ctx(t), g.Tenant, g.ID)
	if err != nil || got.EndReason != reason || int64(len(got.Extensions)) != landed.Load() {
		t.Fatalf("grant %s ended as %q records %d extensions, %d landed (%v)", g.ID, got.EndReason, len(got.Extensions), landed.Load(), err)
	}
}
