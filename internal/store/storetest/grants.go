package storetest

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

func testGrantLifecycle(t *testing.T, a, b store.Store) {
	t0 := now()
	g := newGrant("acme", 1, t0, 7*24*time.Hour)
	g.Scopes = []string{"read", "write", "pii"}
	if prev := put(t, a, g); prev != nil {
		t.Fatalf("first PutGrant replaced %+v", prev)
	}
	got := active(t, b, "acme")
	if got.ID != g.ID || !slices.Equal(got.Scopes, g.Scopes) || !got.CreatedAt.Equal(t0) ||
		got.ExpiresAt == nil || !got.ExpiresAt.Equal(*g.ExpiresAt) || got.CreatedBy != ops || got.Note != g.Note {
		t.Fatalf("ActiveGrant = %+v, want %+v", got, g)
	}
	if got.Ended() {
		t.Fatalf("new grant already ended: %+v", got)
	}

	by := store.Actor{ID: "admin-7", Email: "root@acme.test", Role: "owner"}
	ended, err := b.EndGrant(ctx(t), "acme", g.ID, store.Ending{At: t0.Add(time.Hour), By: &by, Reason: store.EndRevoked, Note: "done"})
	if err != nil {
		t.Fatalf("EndGrant: %v", err)
	}
	if ended.EndReason != store.EndRevoked || ended.EndedAt == nil || !ended.EndedAt.Equal(t0.Add(time.Hour)) ||
		ended.EndedBy == nil || *ended.EndedBy != by || ended.EndNote != "done" {
		t.Fatalf("EndGrant returned %+v", ended)
	}
	if _, err := a.ActiveGrant(ctx(t), "acme"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("ActiveGrant after revoke: err = %v, want ErrNotFound", err)
	}
	stored, err := a.GetGrant(ctx(t), "acme", g.ID)
	if err != nil || stored.EndReason != store.EndRevoked || stored.Status(t0) != store.EndRevoked {
		t.Fatalf("GetGrant after revoke = %+v, %v", stored, err)
	}
	if h := history(t, a, "acme"); !slices.Equal(ids(h), []string{g.ID}) {
		t.Fatalf("history = %v", ids(h))
	}
}

func testGrantReplace(t *testing.T, a, b store.Store) {
	t0 := now()
	g1 := newGrant("acme", 1, t0, time.Hour)
	g2 := newGrant("acme", 2, t0.Add(time.Minute), 0) // standing
	put(t, a, g1)
	prev := put(t, b, g2)
	if prev == nil || prev.ID != g1.ID || prev.EndReason != store.EndReplaced || !prev.EndedAt.Equal(g2.CreatedAt) {
		t.Fatalf("PutGrant replaced = %+v, want g1 ended as replaced at g2's creation", prev)
	}
	got := active(t, a, "acme")
	if got.ID != g2.ID || !got.Standing() {
		t.Fatalf("active = %+v, want standing g2", got)
	}
	h := history(t, a, "acme")
	if !slices.Equal(ids(h), []string{g2.ID, g1.ID}) {
		t.Fatalf("history = %v, want newest first", ids(h))
	}
	if h[1].EndReason != store.EndReplaced {
		t.Fatalf("g1 in history = %+v", h[1])
	}
}

func testGrantExpiry(t *testing.T, a, b store.Store) {
	t0 := now()
	g := newGrant("acme", 1, t0.Add(-2*time.Hour), time.Hour) // expired an hour ago
	put(t, a, g)
	got := active(t, b, "acme")
	if !got.Expired(t0) || got.Expired(t0.Add(-90*time.Minute)) || got.Status(t0) != store.EndExpired {
		t.Fatalf("expiry not decidable on read: %+v", got)
	}
	if _, err := b.EndGrant(ctx(t), "acme", g.ID, store.Ending{At: *g.ExpiresAt, Reason: store.EndExpired}); err != nil {
		t.Fatalf("recording expiry: %v", err)
	}
	if _, err := a.EndGrant(ctx(t), "acme", g.ID, store.Ending{At: t0, Reason: store.EndExpired}); !errors.Is(err, store.ErrEnded) {
		t.Fatalf("second expiry record: err = %v, want ErrEnded", err)
	}
}

func testGrantEndErrors(t *testing.T, a, _ store.Store) {
	t0 := now()
	if _, err := a.EndGrant(ctx(t), "acme", "g_missing", store.Ending{At: t0, Reason: store.EndRevoked}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("EndGrant on empty tenant: err = %v, want ErrNotFound", err)
	}
	if _, err := a.GetGrant(ctx(t), "acme", "g_missing"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetGrant missing: err = %v, want ErrNotFound", err)
	}
	g1, g2 := newGrant("acme", 1, t0, time.Hour), newGrant("acme", 2, t0.Add(time.Second), time.Hour)
	put(t, a, g1)
	put(t, a, g2)
	if _, err := a.EndGrant(ctx(t), "acme", g1.ID, store.Ending{At: t0, Reason: store.EndRevoked}); !errors.Is(err, store.ErrEnded) {
		t.Fatalf("EndGrant on replaced grant: err = %v, want ErrEnded", err)
	}
	if got := active(t, a, "acme"); got.ID != g2.ID {
		t.Fatalf("failed EndGrant changed the active grant to %s", got.ID)
	}
	if _, err := a.EndGrant(ctx(t), "globex", g2.ID, store.Ending{At: t0, Reason: store.EndRevoked}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("EndGrant of acme's grant through globex: err = %v, want ErrNotFound", err)
	}
}

func testGrantHistoryPaging(t *testing.T, a, b store.Store) {
	t0 := now()
	var want []string
	for i := 1; i <= 7; i++ {
		g := newGrant("acme", i, t0.Add(time.Duration(i)*time.Second), time.Hour)
		put(t, a, g)
		want = append([]string{g.ID}, want...)
	}
	page, next, err := b.GrantHistory(ctx(t), "acme", store.Page{Limit: 3})
	if err != nil || len(page) != 3 || next == "" {
		t.Fatalf("first page = %v, %q, %v", ids(page), next, err)
	}
	// A grant created between pages must not shift the pages after it.
	put(t, a, newGrant("acme", 8, t0.Add(time.Minute), time.Hour))
	got := ids(page)
	for next != "" {
		if page, next, err = b.GrantHistory(ctx(t), "acme", store.Page{Limit: 3, Cursor: next}); err != nil {
			t.Fatalf("GrantHistory: %v", err)
		}
		got = append(got, ids(page)...)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("paged history = %v, want %v", got, want)
	}
	for _, bad := range []string{"zzz", "%%%", strings.Repeat("A", 300)} {
		if _, _, err := b.GrantHistory(ctx(t), "acme", store.Page{Cursor: bad}); !errors.Is(err, store.ErrInvalidCursor) {
			t.Errorf("GrantHistory with cursor %.20q: err = %v, want ErrInvalidCursor", bad, err)
		}
	}
	if all := history(t, b, "acme"); len(all) != 8 || all[0].ID != "g_acme_0008" {
		t.Fatalf("full history = %v", ids(all))
	}
}

func testTenantsIsolated(t *testing.T, a, b store.Store) {
	t0 := now()
	put(t, a, newGrant("globex", 1, t0, time.Hour))
	put(t, a, newGrant("acme", 1, t0, time.Hour))
	put(t, b, newGrant("acme", 2, t0.Add(time.Second), time.Hour))
	tenants, err := b.Tenants(ctx(t))
	if err != nil || !slices.Equal(tenants, []string{"acme", "globex"}) {
		t.Fatalf("Tenants = %v, %v", tenants, err)
	}
	if g := active(t, a, "globex"); g.ID != "g_globex_0001" {
		t.Fatalf("globex active = %s", g.ID)
	}
	if h := history(t, a, "globex"); len(h) != 1 {
		t.Fatalf("globex history leaked acme grants: %v", ids(h))
	}
	if _, err := a.ActiveGrant(ctx(t), "initech"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("ActiveGrant of unknown tenant: %v", err)
	}
}
