package redisstore_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/store/redisstore"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

var ops = store.Actor{ID: "ops:test"}

func grant(tenant, id string, created time.Time, ttl time.Duration) store.Grant {
	g := store.Grant{ID: id, Tenant: tenant, Scopes: []string{"read"}, CreatedBy: ops, CreatedAt: created}
	if ttl > 0 {
		exp := created.Add(ttl)
		g.ExpiresAt = &exp
	}
	return g
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

func TestUnreachableRedisFailsFast(t *testing.T) {
	start := time.Now()
	s, err := redisstore.Open("redis://" + closedPort(t) + "/0")
	if err != nil {
		t.Fatalf("Open must not need Redis: %v", err)
	}
	defer s.Close()
	if d := time.Since(start); d > time.Second {
		t.Fatalf("Open took %s", d)
	}
	now := time.Now()
	g := grant("acme", "g1", now, time.Hour)
	calls := map[string]func(context.Context) error{
		"Ping":        s.Ping,
		"PutGrant":    func(c context.Context) error { _, err := s.PutGrant(c, g); return err },
		"ActiveGrant": func(c context.Context) error { _, err := s.ActiveGrant(c, "acme"); return err },
		"EndGrant": func(c context.Context) error {
			_, err := s.EndGrant(c, "acme", "g1", store.Ending{At: now, Reason: store.EndRevoked})
			return err
		},
		"GetGrant":     func(c context.Context) error { _, err := s.GetGrant(c, "acme", "g1"); return err },
		"GrantHistory": func(c context.Context) error { _, _, err := s.GrantHistory(c, "acme", store.Page{}); return err },
		"Tenants":      func(c context.Context) error { _, err := s.Tenants(c); return err },
		"AppendEvents": func(c context.Context) error {
			_, err := s.AppendEvents(c, "acme", store.Event{Type: "t", Time: now})
			return err
		},
		"Events":    func(c context.Context) error { _, err := s.Events(c, "acme", store.EventQuery{}); return err },
		"AuditHead": func(c context.Context) error { _, err := s.AuditHead(c, "acme"); return err },
		"Watch":     func(c context.Context) error { return s.Watch(c, func(store.Change) {}) },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			begin := time.Now()
			err := call(c)
			if err == nil {
				t.Fatal("no error from an unreachable Redis")
			}
			if d := time.Since(begin); d > 5*time.Second {
				t.Fatalf("took %s to fail: %v", d, err)
			}
			if !strings.HasPrefix(err.Error(), "redis: ") {
				t.Fatalf("error lacks context: %v", err)
			}
		})
	}
}

func TestKeysCarryTheTenantHashTag(t *testing.T) {
	srv := redistest.Start(t)
	s := testkit.Redis(t, srv.URL())
	now := time.Now().UTC()
	for _, tenant := range []string{"acme", "globex"} {
		if _, err := s.PutGrant(ctx(t), grant(tenant, tenant+"-1", now, time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PutGrant(ctx(t), grant(tenant, tenant+"-2", now.Add(time.Second), 0)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.EndGrant(ctx(t), tenant, tenant+"-2", store.Ending{At: now, Reason: store.EndRevoked}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AppendEvents(ctx(t), tenant, store.Event{Type: "t", Time: now}); err != nil {
			t.Fatal(err)
		}
	}
	keys, err := srv.Client(t).Keys(ctx(t), "lockbox:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) < 10 {
		t.Fatalf("only %d keys: %v", len(keys), keys)
	}
	for _, k := range keys {
		if k == "lockbox:tenants" {
			continue
		}
		if !strings.HasPrefix(k, "lockbox:{acme}:") && !strings.HasPrefix(k, "lockbox:{globex}:") {
			t.Errorf("key %q lacks the tenant hash tag", k)
		}
	}
}

func TestActiveKeyTTL(t *testing.T) {
	srv := redistest.Start(t)
	s, raw := testkit.Redis(t, srv.URL()), srv.Client(t)
	now := time.Now().UTC()
	if _, err := s.PutGrant(ctx(t), grant("acme", "g1", now, 2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	ttl := raw.PTTL(ctx(t), "lockbox:{acme}:active").Val()
	if want := 26 * time.Hour; ttl > want || ttl < want-time.Minute {
		t.Fatalf("expiring grant: active TTL %s, want about %s (expiry plus grace)", ttl, want)
	}
	if _, err := s.PutGrant(ctx(t), grant("acme", "g2", now.Add(time.Second), 0)); err != nil {
		t.Fatal(err)
	}
	if ttl := raw.TTL(ctx(t), "lockbox:{acme}:active").Val(); ttl != -1 {
		t.Fatalf("standing grant: active TTL %s, want none", ttl)
	}
	if ttl := raw.TTL(ctx(t), "lockbox:{acme}:grant:g1").Val(); ttl != -1 {
		t.Fatalf("grant record has TTL %s, want none", ttl)
	}
}

func TestActiveKeyOfLongExpiredGrantKeepsGrace(t *testing.T) {
	srv := redistest.Start(t)
	s, raw := testkit.Redis(t, srv.URL()), srv.Client(t)
	created := time.Now().UTC().Add(-3 * time.Hour)
	if _, err := s.PutGrant(ctx(t), grant("acme", "g1", created, time.Hour)); err != nil {
		t.Fatal(err)
	}
	ttl := raw.PTTL(ctx(t), "lockbox:{acme}:active").Val()
	if want := 24 * time.Hour; ttl > want || ttl < want-time.Minute {
		t.Fatalf("already expired grant: active TTL %s, want the %s grace", ttl, want)
	}
}

func TestWatchResyncsAfterRestart(t *testing.T) {
	srv := redistest.Start(t)
	s := testkit.Redis(t, srv.URL())
	changes := make(chan store.Change, 64)
	wctx, cancel := context.WithCancel(ctx(t))
	defer cancel()
	if err := s.Watch(wctx, func(c store.Change) { changes <- c }); err != nil {
		t.Fatalf("Watch: %v", err)
	}
	srv.Restart()
	waitFor(t, changes, store.Change{Kind: store.ChangeResync}, 15*time.Second)

	// The feed works again after the resync.
	g := grant("acme", "g1", time.Now().UTC(), time.Hour)
	if _, err := testkit.Redis(t, srv.URL()).PutGrant(ctx(t), g); err != nil {
		t.Fatal(err)
	}
	waitFor(t, changes, store.Change{Kind: store.ChangeGrant, Tenant: "acme", ID: "g1"}, 5*time.Second)
}

func waitFor(t *testing.T, changes <-chan store.Change, want store.Change, within time.Duration) {
	t.Helper()
	timeout := time.After(within)
	for {
		select {
		case c := <-changes:
			if c == want {
				return
			}
		case <-timeout:
			t.Fatalf("no %+v within %s", want, within)
		}
	}
}

func TestWatchEndsWithContextAndClose(t *testing.T) {
	srv := redistest.Start(t)
	s := testkit.Redis(t, srv.URL())
	raw := srv.Client(t)
	wctx, cancel := context.WithCancel(ctx(t))
	if err := s.Watch(wctx, func(store.Change) {}); err != nil {
		t.Fatal(err)
	}
	if err := s.Watch(ctx(t), func(store.Change) {}); err != nil {
		t.Fatal(err)
	}
	subscribers := func() int64 {
		return raw.PubSubNumSub(ctx(t), "lockbox:changes").Val()["lockbox:changes"]
	}
	if n := subscribers(); n != 2 {
		t.Fatalf("%d subscribers, want 2", n)
	}
	cancel()
	testkit.Eventually(t, func() bool { return subscribers() == 1 }, "the watch to subscribe")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, func() bool { return subscribers() == 0 }, "Close to end the subscription")
	if err := s.Watch(ctx(t), func(store.Change) {}); err == nil {
		t.Fatal("Watch after Close succeeded")
	}
}

func TestStaleHeadCacheRelinks(t *testing.T) {
	srv := redistest.Start(t)
	a, b := testkit.Redis(t, srv.URL()), testkit.Redis(t, srv.URL())
	now := time.Now().UTC()
	for i, s := range []*redisstore.Store{a, b, a, b, a} {
		out, err := s.AppendEvents(ctx(t), "acme", store.Event{Type: "t", Time: now})
		if err != nil {
			t.Fatal(err)
		}
		if out[0].Seq != int64(i+1) {
			t.Fatalf("append %d got seq %d", i+1, out[0].Seq)
		}
	}
	v, err := store.Verify(ctx(t), a, "acme")
	if err != nil || !v.OK || v.Events != 5 {
		t.Fatalf("Verify = %+v, %v", v, err)
	}
}

func TestEventsSkipMissingSoVerifySeesTheGap(t *testing.T) {
	srv := redistest.Start(t)
	s := testkit.Redis(t, srv.URL())
	now := time.Now().UTC()
	for range 4 {
		if _, err := s.AppendEvents(ctx(t), "acme", store.Event{Type: "t", Time: now}); err != nil {
			t.Fatal(err)
		}
	}
	srv.Client(t).HDel(ctx(t), "lockbox:{acme}:audit", "2")
	es, err := s.Events(ctx(t), "acme", store.EventQuery{})
	if err != nil || len(es) != 3 || es[1].Seq != 3 {
		t.Fatalf("Events = %+v, %v; want seqs 1, 3, 4", es, err)
	}
	v, err := store.Verify(ctx(t), s, "acme")
	if err != nil || v.OK || v.BrokenAt != 3 {
		t.Fatalf("Verify = %+v, %v; want broken at 3", v, err)
	}
}

func TestHistoryRejectsBadCursor(t *testing.T) {
	srv := redistest.Start(t)
	s := testkit.Redis(t, srv.URL())
	if _, err := s.PutGrant(ctx(t), grant("globex", "g1", time.Now().UTC(), time.Hour)); err != nil {
		t.Fatal(err)
	}
	// Not base64; an unknown id; another tenant's grant; absurdly long.
	for _, c := range []string{"%%%", "bm9wZQ", "ZzE", strings.Repeat("A", 2000)} {
		if _, _, err := s.GrantHistory(ctx(t), "acme", store.Page{Cursor: c}); !errors.Is(err, store.ErrInvalidCursor) {
			t.Errorf("cursor %.20q: err = %v, want ErrInvalidCursor", c, err)
		}
	}
}

func TestDuplicateGrantID(t *testing.T) {
	srv := redistest.Start(t)
	s := testkit.Redis(t, srv.URL())
	now := time.Now().UTC()
	g := grant("acme", "g1", now, time.Hour)
	if _, err := s.PutGrant(ctx(t), g); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutGrant(ctx(t), grant("acme", "g2", now, time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, again := range []store.Grant{g, grant("acme", "g2", now, 0)} {
		if _, err := s.PutGrant(ctx(t), again); err == nil || !strings.Contains(err.Error(), "already exists") {
			t.Errorf("PutGrant(%s) again: err = %v", again.ID, err)
		}
	}
	if a, err := s.ActiveGrant(ctx(t), "acme"); err != nil || a.ID != "g2" || a.Ended() {
		t.Fatalf("active = %+v, %v", a, err)
	}
}

func TestBadTenantNames(t *testing.T) {
	srv := redistest.Start(t)
	s := testkit.Redis(t, srv.URL())
	for _, tenant := range []string{"", "a{b", "}x"} {
		_, err := s.ActiveGrant(ctx(t), tenant)
		if err == nil || errors.Is(err, store.ErrNotFound) {
			t.Errorf("ActiveGrant(%q): err = %v, want a validation error", tenant, err)
		}
	}
}

func TestNewLeavesClientOpen(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Client(t)
	s := redisstore.New(c)
	if err := s.Ping(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(ctx(t)).Err(); err != nil {
		t.Fatalf("client closed by a Store that did not open it: %v", err)
	}
}

func TestDanglingActivePointer(t *testing.T) {
	srv := redistest.Start(t)
	s := testkit.Redis(t, srv.URL())
	srv.Client(t).Set(ctx(t), "lockbox:{acme}:active", "ghost", 0)
	if _, err := s.ActiveGrant(ctx(t), "acme"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("ActiveGrant: err = %v, want ErrNotFound", err)
	}
	prev, err := s.PutGrant(ctx(t), grant("acme", "g1", time.Now().UTC(), time.Hour))
	if err != nil || prev != nil {
		t.Fatalf("PutGrant over a dangling pointer = %+v, %v", prev, err)
	}
	if g, err := s.ActiveGrant(ctx(t), "acme"); err != nil || g.ID != "g1" {
		t.Fatalf("ActiveGrant = %+v, %v", g, err)
	}
}
