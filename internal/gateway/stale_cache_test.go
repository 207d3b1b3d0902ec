package gateway_test

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// lagFeed is a store whose change feed holds grant changes back while
// held, as a Redis Cluster's feed lags its writes; everything else (the
// heartbeats that keep caches trusted) flows.
type lagFeed struct {
	store.Store
	beats atomic.Int64 // heartbeats delivered: the cache trusts itself once one came

	mu      sync.Mutex
	held    bool
	pending []func()
}

func (l *lagFeed) Watch(ctx context.Context, fn func(store.Change)) error {
	return l.Store.Watch(ctx, func(c store.Change) {
		if c.Kind == store.ChangeHeartbeat {
			l.beats.Add(1)
		}
		l.mu.Lock()
		if l.held && c.Kind == store.ChangeGrant {
			l.pending = append(l.pending, func() { fn(c) })
			l.mu.Unlock()
			return
		}
		l.mu.Unlock()
		fn(c)
	})
}

func (l *lagFeed) hold() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.held = true
}

// TestStaleNoGrantNeitherRefusesNorEnds holds the grant changes of the
// second instance's feed, so its cache keeps saying "no grant" after the
// tenant granted access: a session entered on the first instance must not
// be ended by the second, and entering on the second must still work.
func TestStaleNoGrantNeitherRefusesNorEnds(t *testing.T) {
	var mu sync.Mutex
	var feeds []*lagFeed
	e := newEnv(t, options{redis: redistest.Start(t), instances: 2, wrap: func(s store.Store) store.Store {
		mu.Lock()
		defer mu.Unlock()
		l := &lagFeed{Store: s}
		feeds = append(feeds, l)
		return l
	}})
	first, second := e.insts[0].srv.URL, e.insts[1].srv.URL
	testkit.Eventually(t, func() bool { return feeds[1].beats.Load() > 0 }, "the second instance to hear its feed")
	onSecond := newBrowser(t, second)
	onSecond.loginConsole("bob")
	// No grant yet: refused, and the second instance caches "no grant".
	c := onSecond.console()
	if p := onSecond.post("/_lockbox/sessions", url.Values{"csrf": {c.csrf}, "tenant": {"acme"}}); p.status != http.StatusForbidden {
		t.Fatalf("entering without a grant: %d", p.status)
	}
	feeds[1].hold()
	g := e.grant("acme", 24*time.Hour, "read")

	// The agent, with a second login, enters on the first instance and
	// works on the second, whose cache still says "no grant".
	other := newBrowser(t, first)
	other.loginConsole("bob")
	other.enter("acme")
	viaSecond := newBrowser(t, second)
	viaSecond.ShareJar(other.AgentBrowser)
	sid := lockboxHeaders(other.get("/").echo(t).Header)["x-lockbox-session"]
	p, _ := pollUntil(t, viaSecond, "/", time.Second, func(p page) bool {
		return p.status != http.StatusOK || lockboxHeaders(p.echo(t).Header)["x-lockbox-session"] == sid
	})
	if p.status != http.StatusOK {
		t.Fatalf("the second instance refused a session entered on the first: %d %.200s", p.status, p.body)
	}
	// Entering on the second instance reads the grant from the store.
	// (Its cache now holds the grant, read back on the way.)
	onSecond.enter("acme")
	if ids := lockboxHeaders(onSecond.get("/").echo(t).Header); ids["x-lockbox-grant"] != g.ID {
		t.Fatalf("after entering on the instance with a stale cache: %v", ids)
	}

	for _, s := range e.sessions("acme") {
		if s.Ended() {
			t.Fatalf("session %s ended (%s) while its grant holds", s.ID, s.EndReason)
		}
	}
}
