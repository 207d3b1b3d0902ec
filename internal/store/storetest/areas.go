package storetest

import (
	"slices"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// testAreasRoundTrip checks that a grant's and a session's areas come back
// as written, and that none stay none.
func testAreasRoundTrip(t *testing.T, a, b store.Store) {
	t0 := now()
	g := newGrant("acme", 1, t0, 0)
	g.Areas = []string{"calendar", "planning"}
	put(t, a, g)
	if got := active(t, b, "acme"); !slices.Equal(got.Areas, g.Areas) {
		t.Fatalf("grant areas = %q, want %q", got.Areas, g.Areas)
	}
	put(t, a, newGrant("acme", 2, t0, 0))
	if got := active(t, b, "acme"); got.Areas != nil {
		t.Fatalf("grant without areas came back with %q", got.Areas)
	}
	s := newSession("acme", 1, t0)
	s.Areas = []string{"planning"}
	if err := a.PutSession(ctx(t), s); err != nil {
		t.Fatalf("PutSession: %v", err)
	}
	got, err := b.GetSession(ctx(t), "acme", s.ID)
	if err != nil || !slices.Equal(got.Areas, s.Areas) {
		t.Fatalf("session areas = %q, %v; want %q", got.Areas, err, s.Areas)
	}
	ended, err := b.EndSession(ctx(t), "acme", s.ID, t0, store.SessionExit)
	if err != nil || !slices.Equal(ended.Areas, s.Areas) {
		t.Fatalf("ended session areas = %q, %v; want %q", ended.Areas, err, s.Areas)
	}
}
