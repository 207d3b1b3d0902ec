package sweep_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/sweep"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// published records the events a Sweeper publishes; fail makes the next
// publish fail.
type published struct {
	mu     sync.Mutex
	events []notify.Event
	fail   bool
}

func (p *published) Publish(_ context.Context, e notify.Event) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail {
		p.fail = false
		return errors.New("outbox unavailable")
	}
	p.events = append(p.events, e)
	return nil
}

func (p *published) ids() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, e := range p.events {
		out = append(out, e.ID)
	}
	return out
}

var now = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// newStore is a real bolt store holding a grant expiring in two hours
// (due a warning), one with days left and one already past its time.
func newStore(t *testing.T) (*grant.Service, store.Store) {
	t.Helper()
	st := testkit.Bolt(t)
	soon, later, past := now.Add(2*time.Hour), now.Add(5*24*time.Hour), now.Add(-time.Minute)
	for _, g := range []store.Grant{
		{ID: "g_soon", Tenant: "acme", CreatedAt: now.Add(-6 * 24 * time.Hour), ExpiresAt: &soon},
		{ID: "g_later", Tenant: "globex", CreatedAt: now.Add(-2 * 24 * time.Hour), ExpiresAt: &later},
		{ID: "g_past", Tenant: "initech", CreatedAt: now.Add(-2 * 24 * time.Hour), ExpiresAt: &past},
	} {
		g.Scopes, g.CreatedBy = []string{"read"}, store.Actor{ID: "ops:test"}
		if _, err := st.PutGrant(context.Background(), g); err != nil {
			t.Fatal(err)
		}
	}
	return grant.New(st, func() time.Time { return now }), st
}

func TestOnceRecordsExpiries(t *testing.T) {
	grants, st := newStore(t)
	s := &sweep.Sweeper{Grants: grants, Publisher: new(published), Logger: zap.NewNop()}
	s.Once(context.Background())
	g, err := st.GetGrant(context.Background(), "initech", "g_past")
	if err != nil || g.EndReason != store.EndExpired {
		t.Errorf("grant past its time after a sweep: %+v, %v; want it ended as expired", g, err)
	}
}

func TestOnceWarnsOfExpiringGrantsOncePerSweeper(t *testing.T) {
	grants, _ := newStore(t)
	p := new(published)
	s := &sweep.Sweeper{Grants: grants, Publisher: p, Logger: zap.NewNop()}
	s.Once(context.Background())
	s.Once(context.Background())
	if got := p.ids(); len(got) != 1 || got[0] != "g_soon:expiring" {
		t.Fatalf("published %v; want g_soon:expiring once", got)
	}
	// Another instance publishes the same event id, which the outbox
	// sends once.
	(&sweep.Sweeper{Grants: grants, Publisher: p, Logger: zap.NewNop()}).Once(context.Background())
	if got := p.ids(); len(got) != 2 || got[1] != "g_soon:expiring" {
		t.Errorf("published %v; want the same id again from a second sweeper", got)
	}
}

func TestFailedWarningIsRetriedNextSweep(t *testing.T) {
	grants, _ := newStore(t)
	p := &published{fail: true}
	s := &sweep.Sweeper{Grants: grants, Publisher: p, Logger: zap.NewNop()}
	s.Once(context.Background())
	if got := p.ids(); len(got) != 0 {
		t.Fatalf("published %v through a failing publisher", got)
	}
	s.Once(context.Background())
	if got := p.ids(); len(got) != 1 {
		t.Errorf("published %v after the retry; want the warning once", got)
	}
}

func TestRunSweepsEachIntervalUntilCancelled(t *testing.T) {
	grants, _ := newStore(t)
	synctest.Test(t, func(t *testing.T) {
		p := new(published)
		s := &sweep.Sweeper{Grants: grants, Publisher: p, Logger: zap.NewNop(), Every: time.Minute}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			s.Run(ctx)
			close(done)
		}()
		synctest.Wait()
		if got := p.ids(); len(got) != 0 {
			t.Fatalf("published %v before the first interval", got)
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		if got := p.ids(); len(got) != 1 {
			t.Fatalf("published %v after one interval; want one warning", got)
		}
		cancel()
		<-done
	})
}
