package redisstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/store/redisstore"
	"github.com/lockbox-gw/lockbox/internal/store/storetest"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

func TestSessionKeysCarryTheTenantHashTag(t *testing.T) {
	srv := redistest.Start(t)
	s := testkit.Redis(t, srv.URL())
	now := time.Now().UTC()
	for _, tenant := range []string{"acme", "globex"} {
		if err := s.PutSession(ctx(t), storetest.Session(tenant, "s1", now)); err != nil {
			t.Fatal(err)
		}
		if err := s.TouchSessions(ctx(t), store.Touch{Tenant: tenant, ID: "s1", LastSeen: now, Requests: 1}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.EndSession(ctx(t), tenant, "s1", now, store.SessionExit); err != nil {
			t.Fatal(err)
		}
	}
	raw := srv.Client(t)
	keys, err := raw.Keys(ctx(t), "lockbox:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 4 {
		t.Fatalf("keys = %v, want a session and a session list per tenant", keys)
	}
	for _, k := range keys {
		if !strings.HasPrefix(k, "lockbox:{acme}:") && !strings.HasPrefix(k, "lockbox:{globex}:") {
			t.Errorf("key %q lacks the tenant hash tag", k)
		}
		if ttl := raw.TTL(ctx(t), k).Val(); ttl != -1 {
			t.Errorf("key %q has TTL %s, want none", k, ttl)
		}
	}
}

func TestTouchSurvivesScriptFlush(t *testing.T) {
	srv := redistest.Start(t)
	s := testkit.Redis(t, srv.URL())
	now := time.Now().UTC().Truncate(time.Second)
	if err := s.PutSession(ctx(t), storetest.Session("acme", "s1", now)); err != nil {
		t.Fatal(err)
	}
	touch := func(n int) {
		t.Helper()
		err := s.TouchSessions(ctx(t),
			store.Touch{Tenant: "acme", ID: "s1", LastSeen: now.Add(time.Duration(n) * time.Second), Requests: 1},
			store.Touch{Tenant: "a{b", ID: "s1", LastSeen: now, Requests: 1}, // cannot exist: skipped
			store.Touch{Tenant: "acme", ID: "", LastSeen: now, Requests: 1},
		)
		if err != nil {
			t.Fatalf("TouchSessions %d: %v", n, err)
		}
	}
	touch(1)
	touch(2)
	// Redis forgets cached scripts on a flush or restart; the pipeline
	// must resend the touches that found the script missing.
	if err := srv.Client(t).ScriptFlush(ctx(t)).Err(); err != nil {
		t.Fatal(err)
	}
	touch(3)
	got, err := s.GetSession(ctx(t), "acme", "s1")
	if err != nil || got.Requests != 3 || !got.LastSeen.Equal(now.Add(3*time.Second)) {
		t.Fatalf("GetSession = %+v, %v; want 3 requests, last seen at +3s", got, err)
	}
}

func TestNewCallsFailFastWhenUnreachable(t *testing.T) {
	s, err := redisstore.Open("redis://" + closedPort(t) + "/0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Now()
	calls := map[string]func(context.Context) error{
		"PutSession": func(c context.Context) error { return s.PutSession(c, storetest.Session("acme", "s1", now)) },
		"GetSession": func(c context.Context) error { _, err := s.GetSession(c, "acme", "s1"); return err },
		"EndSession": func(c context.Context) error {
			_, err := s.EndSession(c, "acme", "s1", now, store.SessionExit)
			return err
		},
		"TouchSessions": func(c context.Context) error {
			return s.TouchSessions(c, store.Touch{Tenant: "acme", ID: "s1", LastSeen: now, Requests: 1})
		},
		"Sessions":  func(c context.Context) error { _, _, err := s.Sessions(c, "acme", store.Page{}); return err },
		"PutRecord": func(c context.Context) error { return s.PutRecord(c, "k", "i", []byte("v"), time.Minute) },
		"CreateRecord": func(c context.Context) error {
			_, err := s.CreateRecord(c, "k", "i", []byte("v"), time.Minute)
			return err
		},
		"SwapRecord": func(c context.Context) error {
			_, err := s.SwapRecord(c, "k", "i", []byte("v"), []byte("w"), time.Minute)
			return err
		},
		"GetRecord":    func(c context.Context) error { _, err := s.GetRecord(c, "k", "i"); return err },
		"TakeRecord":   func(c context.Context) error { _, err := s.TakeRecord(c, "k", "i"); return err },
		"DeleteRecord": func(c context.Context) error { return s.DeleteRecord(c, "k", "i") },
		"Publish":      func(c context.Context) error { return s.Publish(c, store.Change{Kind: store.ChangeKeys}) },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			begin := time.Now()
			err := call(c)
			if err == nil || errors.Is(err, store.ErrNotFound) {
				t.Fatalf("err = %v from an unreachable Redis", err)
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
