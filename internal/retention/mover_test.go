package retention

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/archive"
	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// backends opens two clients of a fresh store of each kind.
var backends = map[string]func(t *testing.T) (store.Store, store.Store){
	"redis": func(t *testing.T) (store.Store, store.Store) {
		srv := redistest.Start(t)
		return testkit.Redis(t, srv.URL()), testkit.Redis(t, srv.URL())
	},
	"bolt": func(t *testing.T) (store.Store, store.Store) {
		s := testkit.Bolt(t)
		return s, s
	},
}

var t0 = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}

// seed appends n events spread over the hours of day, in batches.
func seed(t testing.TB, s store.Store, tenant string, day time.Time, n int) {
	t.Helper()
	var batch []store.Event
	for i := range n {
		at := day.Add(time.Duration(i) * (24 * time.Hour / time.Duration(n+1)))
		batch = append(batch, store.Event{Type: "http.request", Time: at, Data: []byte(fmt.Sprintf(`{"path":"/p%d"}`, i))})
		if len(batch) == 500 || i == n-1 {
			if _, err := s.AppendEvents(ctx(t), tenant, batch...); err != nil {
				t.Fatal(err)
			}
			batch = nil
		}
	}
}

func newMover(t *testing.T, s store.Store, a *archive.Archive, c *testkit.Clock, holder string) *Mover {
	m, err := New(Config{Store: s, Archive: a, Window: 48 * time.Hour, Holder: holder, Now: c.Now, Lease: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// chain reads the tenant's events from the archive, then the store, and
// fails on a repeated or missing seq or a broken link.
func chain(t *testing.T, s store.Store, a *archive.Archive, tenant string) (archived, stored int) {
	t.Helper()
	var prev store.Head
	check := func(e store.Event) {
		if e.Seq != prev.Seq+1 || e.PrevHash != prev.Hash {
			t.Fatalf("event %d after %d: repeated, missing or unlinked", e.Seq, prev.Seq)
		}
		if h, _ := e.ComputeHash(); h != e.Hash {
			t.Fatalf("event %d does not match its hash", e.Seq)
		}
		prev = headOf(e)
	}
	days, err := a.Days(tenant)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range days {
		if err := a.ReadDay(tenant, d, func(_ []byte, e store.Event) error { check(e); archived++; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	// The store may still hold archived events (not trimmed yet); they
	// must be the archived ones.
	archivedTo := prev
	for after := int64(0); ; {
		batch, err := s.Events(ctx(t), tenant, store.EventQuery{AfterSeq: after, Limit: store.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		if len(batch) == 0 {
			break
		}
		for _, e := range batch {
			stored++
			after = e.Seq
			switch {
			case e.Seq < archivedTo.Seq:
			case e.Seq == archivedTo.Seq && e.Hash != archivedTo.Hash:
				t.Fatalf("stored event %d differs from the archived one", e.Seq)
			case e.Seq > archivedTo.Seq:
				check(e)
			}
		}
	}
	head, err := s.AuditHead(ctx(t), tenant)
	if err != nil || head.Seq != prev.Seq {
		t.Fatalf("chain ends at %d, head %+v, %v", prev.Seq, head, err)
	}
	return archived, stored
}

func TestMoveAcrossTheCut(t *testing.T) {
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			s, _ := open(t)
			a := archive.New(t.TempDir())
			c := testkit.NewClock(t0)
			day := Day(t0)
			seed(t, s, "acme", day.Add(-5*24*time.Hour), 30)
			seed(t, s, "acme", day.Add(-4*24*time.Hour), 2500) // more than one trim
			seed(t, s, "acme", day.Add(-2*24*time.Hour), 20)   // inside the window's day
			seed(t, s, "acme", day, 10)
			before, err := s.Events(ctx(t), "acme", store.EventQuery{Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			m := newMover(t, s, a, c, "gw-1")
			moved, err := m.MoveTenant(ctx(t), "acme")
			if err != nil || moved != 2530 {
				t.Fatalf("MoveTenant = %d, %v; want 2530 moved", moved, err)
			}
			archived, stored := chain(t, s, a, "acme")
			if archived != 2530 || stored != 30 {
				t.Fatalf("archived %d, stored %d; want 2530 and 30", archived, stored)
			}
			v, err := store.Verify(ctx(t), s, "acme")
			if err != nil || !v.OK || v.From != 2530 {
				t.Fatalf("Verify = %+v, %v", v, err)
			}
			// The first line is byte for byte the stored event.
			first := true
			_ = a.ReadDay("acme", day.Add(-5*24*time.Hour), func(line []byte, e store.Event) error {
				if first {
					want, _ := canonicalLine(before[0])
					if string(line) != want {
						t.Fatalf("archived line\n%s\nwant\n%s", line, want)
					}
					first = false
				}
				return nil
			})
			// A day later the next day moves too; again nothing repeats.
			c.Add(24 * time.Hour)
			if moved, err := m.MoveTenant(ctx(t), "acme"); err != nil || moved != 20 {
				t.Fatalf("next day MoveTenant = %d, %v", moved, err)
			}
			if archived, stored := chain(t, s, a, "acme"); archived != 2550 || stored != 10 {
				t.Fatalf("archived %d, stored %d", archived, stored)
			}
		})
	}
}

// canonicalLine is the event as the store keeps it, from its canonical
// form with the hash written in.
func canonicalLine(e store.Event) (string, error) {
	b, err := e.Canonical()
	if err != nil {
		return "", err
	}
	return string(b[:len(b)-len(`""}`)]) + `"` + e.Hash + `"}`, nil
}

func TestCrashBetweenArchiveAndTrim(t *testing.T) {
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			s, s2 := open(t)
			a := archive.New(t.TempDir())
			c := testkit.NewClock(t0)
			seed(t, s, "acme", Day(t0).Add(-3*24*time.Hour), 1200)
			crashed := newMover(t, s, a, c, "gw-1")
			crash := errors.New("killed")
			crashed.beforeTrim = func(string, time.Time) error { return crash }
			if _, err := crashed.MoveTenant(ctx(t), "acme"); !errors.Is(err, crash) {
				t.Fatalf("MoveTenant = %v, want the crash", err)
			}
			if archived, stored := chain(t, s, a, "acme"); archived != 1200 || stored != 1200 {
				t.Fatalf("after the crash: archived %d, stored %d", archived, stored)
			}
			// The crashed mover's lease runs out; another gateway takes over.
			c.Add(2 * time.Minute)
			if moved, err := newMover(t, s2, a, c, "gw-2").MoveTenant(ctx(t), "acme"); err != nil || moved != 1200 {
				t.Fatalf("restarted MoveTenant = %d, %v", moved, err)
			}
			if archived, stored := chain(t, s, a, "acme"); archived != 1200 || stored != 0 {
				t.Fatalf("after restart: archived %d, stored %d; want 1200, 0", archived, stored)
			}
		})
	}
}

func TestTwoMoversRace(t *testing.T) {
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			s1, s2 := open(t)
			a := archive.New(t.TempDir())
			c := testkit.NewClock(t0)
			for d := 6; d >= 3; d-- {
				seed(t, s1, "acme", Day(t0).Add(-time.Duration(d)*24*time.Hour), 400)
			}
			movers := []*Mover{newMover(t, s1, a, c, "gw-1"), newMover(t, s2, a, c, "gw-2")}
			var wg sync.WaitGroup
			for _, m := range movers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 5 {
						if _, err := m.MoveTenant(ctx(t), "acme"); err != nil && !errors.Is(err, store.ErrRetentionLost) {
							t.Errorf("MoveTenant: %v", err)
						}
						c.Add(time.Minute) // leases run out now and then
					}
				}()
			}
			// Appends go on meanwhile.
			for i := range 50 {
				if _, err := s2.AppendEvents(ctx(t), "acme", store.Event{Type: "http.request", Time: c.Now(), Data: []byte(fmt.Sprintf(`{"i":%d}`, i))}); err != nil {
					t.Fatal(err)
				}
			}
			wg.Wait()
			c.Add(time.Minute)
			if _, err := movers[0].MoveTenant(ctx(t), "acme"); err != nil {
				t.Fatalf("MoveTenant after the race: %v", err)
			}
			if archived, stored := chain(t, s1, a, "acme"); archived != 1600 || stored != 50 {
				t.Fatalf("archived %d, stored %d; want 1600 and 50", archived, stored)
			}
		})
	}
}

func TestArchiveMissingNeverDeletes(t *testing.T) {
	s, _ := backends["bolt"](t)
	dir := filepath.Join(t.TempDir(), "archive")
	a := archive.New(dir)
	c := testkit.NewClock(t0)
	if _, err := s.PutGrant(ctx(t), store.Grant{ID: "g1", Tenant: "acme", CreatedAt: t0.Add(-10 * 24 * time.Hour), CreatedBy: store.Actor{ID: "ops"}, Scopes: []string{"read"}}); err != nil {
		t.Fatal(err)
	}
	seed(t, s, "acme", Day(t0).Add(-5*24*time.Hour), 10)
	m := newMover(t, s, a, c, "gw-1")
	if err := m.MoveAll(ctx(t)); err == nil || m.Status().LastError == "" {
		t.Fatalf("MoveAll with no archive = %v, status %+v; want an error", err, m.Status())
	}
	if archived, stored := chain(t, s, a, "acme"); archived != 0 || stored != 10 {
		t.Fatalf("archived %d, stored %d; want nothing moved", archived, stored)
	}
	if err := os.Mkdir(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := m.MoveAll(ctx(t)); err != nil || m.Status().LastError != "" || m.Status().Moved != 10 {
		t.Fatalf("MoveAll = %v, status %+v", err, m.Status())
	}
}

func TestMovePrunesEndedSessionsAndGrants(t *testing.T) {
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			s, _ := open(t)
			c := testkit.NewClock(t0)
			old := t0.Add(-10 * 24 * time.Hour)
			for i, at := range []time.Time{old, old.Add(time.Hour), t0.Add(-time.Hour)} {
				g := store.Grant{ID: fmt.Sprintf("g%d", i), Tenant: "acme", CreatedAt: at, CreatedBy: store.Actor{ID: "ops"}, Scopes: []string{"read"}}
				if _, err := s.PutGrant(ctx(t), g); err != nil {
					t.Fatal(err)
				}
			}
			sess := store.Session{ID: "s1", Tenant: "acme", Grant: "g0", Agent: store.Agent{Subject: "bob", Issuer: "idp"}, Scopes: []string{"read"}, StartedAt: old, EndsAt: old.Add(time.Hour)}
			if err := s.PutSession(ctx(t), sess); err != nil {
				t.Fatal(err)
			}
			if _, err := s.EndSession(ctx(t), "acme", "s1", old.Add(time.Hour), store.SessionLogout); err != nil {
				t.Fatal(err)
			}
			m := newMover(t, s, archive.New(t.TempDir()), c, "gw-1")
			if _, err := m.MoveTenant(ctx(t), "acme"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.GetSession(ctx(t), "acme", "s1"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("old session after the move: %v", err)
			}
			hist, _, err := s.GrantHistory(ctx(t), "acme", store.Page{})
			// g0 ended 10 days ago and goes; g1 ended an hour ago and g2 is active.
			if err != nil || len(hist) != 2 || hist[0].ID != "g2" || hist[1].ID != "g1" || m.Status().Pruned != 2 {
				t.Fatalf("grants after the move = %+v, %v, status %+v; want g2 and g1", hist, err, m.Status())
			}
		})
	}
}
