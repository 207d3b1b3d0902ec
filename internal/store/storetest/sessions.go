package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Session returns a session of tenant named id, started at started and
// ending 8 hours later, for backends' own tests.
func Session(tenant, id string, started time.Time) store.Session {
	return store.Session{
		ID:        id,
		Tenant:    tenant,
		Grant:     "g_1",
		Agent:     store.Agent{Subject: "bob", Issuer: "https://idp.test", Email: "bob@support.test", Name: "Bob"},
		Roles:     []string{"operations"},
		Scopes:    []string{"read", "write"},
		StartedAt: started,
		EndsAt:    started.Add(8 * time.Hour),
		LastSeen:  started,
	}
}

// newSession returns the n-th session of tenant.
func newSession(tenant string, n int, started time.Time) store.Session {
	return Session(tenant, fmt.Sprintf("s_%s_%04d", tenant, n), started)
}

func testSessionLifecycle(t *testing.T, a, b store.Store) {
	t0 := now()
	s := newSession("acme", 1, t0)
	if err := a.PutSession(ctx(t), s); err != nil {
		t.Fatalf("PutSession: %v", err)
	}
	got, err := b.GetSession(ctx(t), "acme", s.ID)
	if err != nil || got.Agent != s.Agent || !slices.Equal(got.Scopes, s.Scopes) || !got.EndsAt.Equal(s.EndsAt) || got.Ended() {
		t.Fatalf("GetSession = %+v, %v", got, err)
	}
	if _, err := b.GetSession(ctx(t), "globex", s.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("session visible under another tenant: %v", err)
	}
	err = a.TouchSessions(ctx(t),
		store.Touch{Tenant: "acme", ID: s.ID, LastSeen: t0.Add(2 * time.Minute), Requests: 3},
		store.Touch{Tenant: "acme", ID: s.ID, LastSeen: t0.Add(time.Minute), Requests: 2}, // older: LastSeen keeps the later
		store.Touch{Tenant: "acme", ID: s.ID, Requests: 1, Refused: 1},                    // no LastSeen: leaves it
		store.Touch{Tenant: "acme", ID: "s_unknown", LastSeen: t0, Requests: 9},
	)
	if err != nil {
		t.Fatalf("TouchSessions: %v", err)
	}
	got, _ = b.GetSession(ctx(t), "acme", s.ID)
	if got.Requests != 6 || got.Refused != 1 || !got.LastSeen.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("after touches: requests %d, refused %d, last seen %v", got.Requests, got.Refused, got.LastSeen)
	}
	list, _, err := b.Sessions(ctx(t), "acme", store.Page{})
	if i := slices.IndexFunc(list, func(l store.Session) bool { return l.ID == s.ID }); err != nil || i < 0 || list[i].Requests != 6 || list[i].Refused != 1 {
		t.Fatalf("Sessions after touches: %+v, %v", list, err)
	}
	ended, err := b.EndSession(ctx(t), "acme", s.ID, t0.Add(time.Hour), store.SessionExit)
	if err != nil || !ended.Ended() || ended.EndReason != store.SessionExit || !ended.EndedAt.Equal(t0.Add(time.Hour)) || ended.Requests != 6 || ended.Refused != 1 {
		t.Fatalf("EndSession = %+v, %v", ended, err)
	}
	if _, err := a.EndSession(ctx(t), "acme", s.ID, t0, store.SessionIdle); !errors.Is(err, store.ErrEnded) {
		t.Fatalf("second EndSession: %v, want ErrEnded", err)
	}
	if _, err := a.EndSession(ctx(t), "acme", "s_missing", t0, store.SessionIdle); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("EndSession of missing: %v, want ErrNotFound", err)
	}
	// Requests counted after the end (in-flight) still add up.
	if err := a.TouchSessions(ctx(t), store.Touch{Tenant: "acme", ID: s.ID, LastSeen: t0, Requests: 1}); err != nil {
		t.Fatalf("TouchSessions after end: %v", err)
	}
	if got, _ = a.GetSession(ctx(t), "acme", s.ID); got.Requests != 7 || got.EndReason != store.SessionExit {
		t.Fatalf("after late touch: %+v", got)
	}
}

func testSessionList(t *testing.T, a, b store.Store) {
	t0 := now()
	var want []string
	for i := 1; i <= 5; i++ {
		s := newSession("acme", i, t0.Add(time.Duration(i)*time.Second))
		if err := a.PutSession(ctx(t), s); err != nil {
			t.Fatal(err)
		}
		want = append([]string{s.ID}, want...)
	}
	if err := a.PutSession(ctx(t), newSession("globex", 1, t0)); err != nil {
		t.Fatal(err)
	}
	var got []string
	p := store.Page{Limit: 2}
	for {
		page, next, err := b.Sessions(ctx(t), "acme", p)
		if err != nil {
			t.Fatalf("Sessions: %v", err)
		}
		for _, s := range page {
			got = append(got, s.ID)
		}
		if next == "" {
			break
		}
		p.Cursor = next
	}
	if !slices.Equal(got, want) {
		t.Fatalf("sessions = %v, want %v", got, want)
	}
	if _, _, err := b.Sessions(ctx(t), "acme", store.Page{Cursor: "zzz"}); !errors.Is(err, store.ErrInvalidCursor) {
		t.Fatalf("Sessions with a bad cursor: %v", err)
	}
}

func testSessionConcurrentTouchAndEnd(t *testing.T, a, b store.Store) {
	t0 := now()
	s := newSession("acme", 1, t0)
	if err := a.PutSession(ctx(t), s); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var wins atomic.Int64
	for w := range 8 {
		c := alternate(w, a, b)
		wg.Go(func() {
			for i := range 10 {
				if err := c.TouchSessions(ctx(t), store.Touch{Tenant: "acme", ID: s.ID, LastSeen: t0.Add(time.Duration(w*10+i) * time.Second), Requests: 1}); err != nil {
					t.Errorf("TouchSessions: %v", err)
				}
			}
			if _, err := c.EndSession(ctx(t), "acme", s.ID, t0, store.SessionRevoked); err == nil {
				wins.Add(1)
			} else if !errors.Is(err, store.ErrEnded) {
				t.Errorf("EndSession: %v", err)
			}
		})
	}
	wg.Wait()
	got, err := a.GetSession(ctx(t), "acme", s.ID)
	if err != nil || got.Requests != 80 || !got.LastSeen.Equal(t0.Add(79*time.Second)) || wins.Load() != 1 {
		t.Fatalf("after races: requests %d, last seen %v, %d winners; %v", got.Requests, got.LastSeen, wins.Load(), err)
	}
}

// testDuplicateSessionID: a second PutSession of an id is refused and
// leaves the first session as it was.
func testDuplicateSessionID(t *testing.T, a, b store.Store) {
	t0 := now()
	if err := a.PutSession(ctx(t), Session("acme", "s1", t0)); err != nil {
		t.Fatal(err)
	}
	if err := a.TouchSessions(ctx(t), store.Touch{Tenant: "acme", ID: "s1", LastSeen: t0, Requests: 4}); err != nil {
		t.Fatal(err)
	}
	err := b.PutSession(ctx(t), Session("acme", "s1", t0.Add(time.Second)))
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("PutSession of a taken id: err = %v", err)
	}
	if got, err := b.GetSession(ctx(t), "acme", "s1"); err != nil || got.Requests != 4 {
		t.Fatalf("GetSession after the refused put = %+v, %v", got, err)
	}
}

// testSessionCursorOfOtherTenant: a cursor is only valid for the tenant
// that handed it out.
func testSessionCursorOfOtherTenant(t *testing.T, a, b store.Store) {
	t0 := now()
	for i, id := range []string{"s1", "s2"} {
		if err := a.PutSession(ctx(t), Session("acme", id, t0.Add(time.Duration(i)*time.Second))); err != nil {
			t.Fatal(err)
		}
	}
	_, next, err := b.Sessions(ctx(t), "acme", store.Page{Limit: 1})
	if err != nil || next == "" {
		t.Fatalf("first page: %q, %v", next, err)
	}
	if _, _, err := b.Sessions(ctx(t), "globex", store.Page{Cursor: next}); !errors.Is(err, store.ErrInvalidCursor) {
		t.Fatalf("acme's cursor on globex: err = %v, want ErrInvalidCursor", err)
	}
}
