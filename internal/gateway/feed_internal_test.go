package gateway

import (
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/audit"
	"github.com/lockbox-gw/lockbox/internal/feed"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// TestSharedFeedDropsEverySitesCache runs three sites on one store
// sharing one change feed: a grant written through this process's store
// drops every site's cached "no grant" before the write returns, and one
// revoked by another instance drops every site's cached grant.
func TestSharedFeedDropsEverySitesCache(t *testing.T) {
	rs := redistest.Start(t)
	st, other := testkit.Redis(t, rs.URL()), testkit.Redis(t, rs.URL())
	ctx := t.Context()
	f := feed.New(st, nil)
	go f.Run(ctx)
	sites := make([]*Gateway, 3)
	for i := range sites {
		sites[i] = newSite(t, st, f)
		go sites[i].Run(ctx)
	}
	for _, g := range sites {
		// A heartbeat that fails under load empties the cache: read again.
		testkit.Eventually(t, func() bool {
			if _, ok, err := g.currentGrant(ctx, "acme"); ok || err != nil {
				t.Fatalf("grant before any: ok=%v err=%v", ok, err)
			}
			_, ok := g.cache.grant("acme")
			return ok
		}, "every site to cache that acme has no grant")
	}

	gr, err := grant.New(st, nil).Create(ctx, grant.CreateRequest{
		Tenant: "acme", Scopes: []string{"read"}, Duration: time.Hour, By: store.Actor{ID: "admin:ada"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range sites {
		if _, ok := g.cache.grant("acme"); ok {
			t.Errorf("site %d still caches no grant once the write returned", i)
		}
		if cur, ok, err := g.currentGrant(ctx, "acme"); !ok || err != nil || cur.ID != gr.ID {
			t.Fatalf("site %d grant after create: ok=%v err=%v", i, ok, err)
		}
	}

	if _, err := grant.New(other, nil).Revoke(ctx, "acme", gr.ID, store.Actor{ID: "admin:ada"}, "done"); err != nil {
		t.Fatal(err)
	}
	for _, g := range sites {
		testkit.Eventually(t, func() bool { _, ok := g.cache.grant("acme"); return !ok }, "every site to drop the revoked grant")
	}
}

// newSite is a gateway over st following f, as a Caddy site is.
func newSite(t *testing.T, st store.Store, f *feed.Feed) *Gateway {
	t.Helper()
	const issuer = "http://127.0.0.1:9/_lockbox"
	lg, err := login.New(login.Config{
		Issuer: "http://127.0.0.1:9/idp", ClientID: "lockbox", Site: "http://127.0.0.1:9",
		Roles: []login.Role{{Name: "support", Groups: []string{"support"}, Scopes: []string{"read"}}},
	}, st)
	if err != nil {
		t.Fatal(err)
	}
	keys := token.NewKeys(st, nil)
	minter, err := token.NewMinter(keys, token.MinterConfig{Issuer: issuer, Audience: "app"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	g, err := New(Config{Issuer: issuer}, Deps{
		Core: Core{
			Store: st, Grants: grant.New(st, nil), Login: lg, Keys: keys, Minter: minter,
			Audit: audit.NewWriter(st, audit.Options{}),
		},
		Logger: zap.NewNop(), Feed: f,
	})
	if err != nil {
		t.Fatal(err)
	}
	return g
}
