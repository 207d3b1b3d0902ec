package adminlink_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// instance is one gateway's view of a shared store: its own Links and
// Sessions, as each process has.
type instance struct {
	links *adminlink.Links
	ss    *adminlink.Sessions
}

func newInstance(st store.Store, c *testkit.Clock) instance {
	l := adminlink.NewLinks(st, c.Now)
	return instance{links: l, ss: adminlink.NewSessions(st, l, 0, c.Now)}
}

// spendRace opens one link from many browsers at once, half on each
// instance, and returns how many sessions started and how many were told
// the link was used.
func spendRace(t *testing.T, a, b instance, raw string) (opened, spent int) {
	t.Helper()
	const tries = 16
	var wg sync.WaitGroup
	errs := make(chan error, tries)
	e := &sessEnv{t: t}
	for i := range tries {
		inst := a
		if i%2 == 1 {
			inst = b
		}
		wg.Go(func() {
			_, _, err := inst.ss.Open(ctx(t), httptest.NewRecorder(), e.linkRequest("127.0.0.1", false, raw, ""))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		switch {
		case err == nil:
			opened++
		case errors.Is(err, adminlink.ErrSpent):
			spent++
		default:
			t.Fatalf("Open = %v", err)
		}
	}
	return opened, spent
}

func TestALinkOpensOnceOnBolt(t *testing.T) {
	c := testkit.NowClock()
	st := testkit.Bolt(t)
	a, b := newInstance(st, c), newInstance(st, c)
	raw, _ := sign(t, a.links, claims(c))
	if opened, spent := spendRace(t, a, b, raw); opened != 1 || spent != 15 {
		t.Fatalf("%d sessions opened and %d refused as used; want 1 and 15", opened, spent)
	}
}

func TestALinkOpensOnceAcrossInstancesOnRedis(t *testing.T) {
	srv := redistest.Start(t)
	c := testkit.NowClock()
	a, b := newInstance(testkit.Redis(t, srv.URL()), c), newInstance(testkit.Redis(t, srv.URL()), c)
	raw, signed := sign(t, a.links, claims(c))
	if opened, spent := spendRace(t, a, b, raw); opened != 1 || spent != 15 {
		t.Fatalf("%d sessions opened and %d refused as used; want 1 and 15", opened, spent)
	}
	if _, used, err := b.ss.Spent(ctx(t), signed); err != nil || !used {
		t.Fatalf("Spent on the other instance = %v, %v", used, err)
	}
	// The record lives as long as the link, and not for ever.
	ttl := srv.Client(t).PTTL(ctx(t), "lockbox:rec:adminlink_spent:"+signed.ID).Val()
	if want := 24*time.Hour + 5*time.Minute; ttl <= 24*time.Hour || ttl > want {
		t.Fatalf("the used link's record lives %v, want just over the link's 24h", ttl)
	}
}

func TestSpentSaysWhenAndChangesNothing(t *testing.T) {
	e := newSessEnv(t)
	raw, signed := sign(t, e.links, claims(e.clock))
	for range 3 {
		if _, used, err := e.ss.Spent(ctx(t), signed); err != nil || used {
			t.Fatalf("Spent before opening = %v, %v", used, err)
		}
	}
	opened := e.clock.Now()
	w := httptest.NewRecorder()
	if _, _, err := e.ss.Open(ctx(t), w, e.linkRequest("127.0.0.1", false, raw, "")); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(time.Hour)
	at, used, err := e.ss.Spent(ctx(t), signed)
	if err != nil || !used || !at.Equal(opened) {
		t.Fatalf("Spent = %v, %v, %v; want used at %v", at, used, err, opened)
	}
	cookie := onlyCookie(t, w)
	if s, ok := e.ss.OpenedBy(ctx(t), pageRequest(cookie), signed); !ok || s.LinkID != signed.ID {
		t.Fatalf("OpenedBy the browser that used the link = %+v, %v", s, ok)
	}
	if _, ok := e.ss.OpenedBy(ctx(t), pageRequest(nil), signed); ok {
		t.Fatal("another browser counts as the one that used the link")
	}
	_, other := sign(t, e.links, claims(e.clock))
	if _, ok := e.ss.OpenedBy(ctx(t), pageRequest(cookie), other); ok {
		t.Fatal("a session opened by one link counts for another")
	}
	if err := e.ss.Destroy(ctx(t), httptest.NewRecorder(), pageRequest(cookie)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.ss.Open(ctx(t), httptest.NewRecorder(), e.linkRequest("127.0.0.1", false, raw, "")); !errors.Is(err, adminlink.ErrSpent) {
		t.Fatalf("the link after signing out: %v, want ErrSpent", err)
	}
}

func TestARefusedOpenSpendsNothing(t *testing.T) {
	e := newSessEnv(t)
	raw, signed := sign(t, e.links, claims(e.clock))
	w := httptest.NewRecorder()
	if _, _, err := e.ss.Open(ctx(t), w, e.linkRequest("support.example.com", false, raw, "")); !errors.Is(err, adminlink.ErrInsecure) {
		t.Fatalf("plain HTTP to a public host: %v", err)
	}
	get := httptest.NewRequest(http.MethodGet, "http://127.0.0.1/_lockbox/admin?token="+raw, nil)
	if _, _, err := e.ss.Open(ctx(t), httptest.NewRecorder(), get); !errors.Is(err, adminlink.ErrInvalid) {
		t.Fatalf("a GET: %v", err)
	}
	if _, used, _ := e.ss.Spent(ctx(t), signed); used {
		t.Fatal("a refused open spent the link")
	}
	if _, _, err := e.ss.Open(ctx(t), httptest.NewRecorder(), e.linkRequest("127.0.0.1", false, raw, "")); err != nil {
		t.Fatalf("the link after refusals: %v", err)
	}
}
