package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// now is a fixed instant near the real time, so backends that turn expiry
// into TTLs see plausible values, truncated like stored times.
func now() time.Time { return time.Now().UTC().Truncate(time.Second) }

var ops = store.Actor{ID: "ops:test"}

func newGrant(tenant string, n int, created time.Time, ttl time.Duration) store.Grant {
	g := store.Grant{
		ID:        fmt.Sprintf("g_%s_%04d", tenant, n),
		Tenant:    tenant,
		Scopes:    []string{"read"},
		CreatedBy: ops,
		CreatedAt: created,
		Note:      fmt.Sprintf("grant %d", n),
	}
	if ttl > 0 {
		exp := created.Add(ttl)
		g.ExpiresAt = &exp
	}
	return g
}

func put(t *testing.T, s store.Store, g store.Grant) *store.Grant {
	t.Helper()
	prev, err := s.PutGrant(ctx(t), g)
	if err != nil {
		t.Fatalf("PutGrant(%s): %v", g.ID, err)
	}
	return prev
}

func active(t *testing.T, s store.Store, tenant string) store.Grant {
	t.Helper()
	g, err := s.ActiveGrant(ctx(t), tenant)
	if err != nil {
		t.Fatalf("ActiveGrant(%s): %v", tenant, err)
	}
	return g
}

func history(t *testing.T, s store.Store, tenant string) []store.Grant {
	t.Helper()
	var all []store.Grant
	p := store.Page{Limit: 2}
	for i := 0; ; i++ {
		page, next, err := s.GrantHistory(ctx(t), tenant, p)
		if err != nil {
			t.Fatalf("GrantHistory: %v", err)
		}
		all = append(all, page...)
		if next == "" {
			return all
		}
		if i > 10000 {
			t.Fatal("GrantHistory never returned an empty cursor")
		}
		p.Cursor = next
	}
}

func ids(gs []store.Grant) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.ID
	}
	return out
}

func event(typ string, at time.Time, data string) store.Event {
	e := store.Event{Type: typ, Time: at, Actor: &ops}
	if data != "" {
		e.Data = []byte(data)
	}
	return e
}

func appendEvents(t *testing.T, s store.Store, tenant string, es ...store.Event) []store.Event {
	t.Helper()
	out, err := s.AppendEvents(ctx(t), tenant, es...)
	if err != nil {
		t.Fatalf("AppendEvents: %v", err)
	}
	return out
}

func verifyOK(t *testing.T, s store.Store, tenant string, want int64) {
	t.Helper()
	v, err := store.Verify(ctx(t), s, tenant)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if !v.OK || v.Events != want {
		t.Fatalf("Verify = %+v, want OK with %d events", v, want)
	}
}

// alternate returns a for even workers and b for odd ones, so a race
// runs through both clients.
func alternate(w int, a, b store.Store) store.Store {
	if w%2 == 1 {
		return b
	}
	return a
}
