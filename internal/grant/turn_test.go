package grant_test

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// twoInstances returns grant services of two instances sharing one Redis.
func twoInstances(t *testing.T) ([]*grant.Service, store.Store) {
	t.Helper()
	srv, s := testkit.NewRedis(t)
	return []*grant.Service{grant.New(s, nil), grant.New(testkit.Redis(t, srv.URL()), nil)}, s
}

// TestConcurrentCreatesAuditInStoredOrder: grants put at once through two
// instances are audited in the order they were stored, so the trail's
// last grant.created is the active grant and each grant it replaced was
// created before being replaced.
func TestConcurrentCreatesAuditInStoredOrder(t *testing.T) {
	svcs, s := twoInstances(t)
	const writers = 12
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			if _, err := svcs[i%2].Create(ctx(), grant.CreateRequest{Tenant: "acme", Scopes: []string{"read"}, Duration: time.Hour, By: dana}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	cur, err := svcs[0].Current(ctx(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	es, err := s.Events(ctx(), "acme", store.EventQuery{Limit: store.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	created := map[string]bool{}
	lastCreated := ""
	for _, e := range es {
		switch e.Type {
		case grant.EventCreated:
			created[e.Grant], lastCreated = true, e.Grant
		case grant.EventReplaced:
			if !created[e.Grant] || e.Grant != lastCreated {
				t.Fatalf("grant %s replaced before the trail created it, or not the latest (%s)", e.Grant, lastCreated)
			}
		}
	}
	if len(created) != writers || lastCreated != cur.ID {
		t.Fatalf("%d grants created in the trail, last %s; want %d, last the active %s", len(created), lastCreated, writers, cur.ID)
	}
}

// TestConcurrentExtensionsAllCount: extensions of one grant at once, through
// two instances, each add their time; none is computed from a stale expiry.
func TestConcurrentExtensionsAllCount(t *testing.T) {
	svcs, s := twoInstances(t)
	g, err := svcs[0].Create(ctx(), grant.CreateRequest{Tenant: "acme", Scopes: []string{"read"}, Duration: time.Hour, By: dana})
	if err != nil {
		t.Fatal(err)
	}
	const writers = 8
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			if _, err := svcs[i%2].Extend(ctx(), "acme", g.ID, dana, time.Hour, ""); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	cur, err := svcs[1].Current(ctx(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if want := g.ExpiresAt.Add(writers * time.Hour); !cur.ExpiresAt.Equal(want) || len(cur.Extensions) != writers {
		t.Fatalf("expires %s after %d extensions; want %s after %d", cur.ExpiresAt, len(cur.Extensions), want, writers)
	}
	es, err := s.Events(ctx(), "acme", store.EventQuery{Limit: store.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	from := *g.ExpiresAt
	for _, e := range es {
		if e.Type != grant.EventExtended {
			continue
		}
		var d struct{ From, To time.Time }
		if err := json.Unmarshal(e.Data, &d); err != nil || !d.From.Equal(from) {
			t.Fatalf("grant.extended %s: want it to start at %s", e.Data, from)
		}
		from = d.To
	}
	if !from.Equal(*cur.ExpiresAt) {
		t.Fatalf("the trail's extensions end at %s; the grant expires at %s", from, cur.ExpiresAt)
	}
}

// TestRevokeNeverWaitsForATurn: a writer that died holding the tenant's
// turn delays grant changes until its TTL, but never a revoke.
func TestRevokeNeverWaitsForATurn(t *testing.T) {
	svc, _, s := newService(t)
	g, err := svc.Create(ctx(), grant.CreateRequest{Tenant: "acme", Scopes: []string{"read"}, Duration: time.Hour, By: dana})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutRecord(ctx(), "grant-turn", "acme", []byte("a writer that died"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Revoke(ctx(), "acme", g.ID, dana, "done"); err != nil {
		t.Fatalf("revoke while the turn is held: %v", err)
	}
	if _, err := svc.Current(ctx(), "acme"); err == nil {
		t.Fatal("the grant is still active")
	}
}
