package apitest_test

import (
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/testkit/apitest"
)

// TestEnvServicesShareStoreAndClock checks the admins are registered and
// a grant made through the services shows in the store's audit.
func TestEnvServicesShareStoreAndClock(t *testing.T) {
	e := apitest.New(t, testkit.Bolt(t), testkit.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)))
	e.SetTestAdmins()
	if list, err := e.Admins.Get(testkit.Context(t), "acme"); err != nil || len(list) != 2 {
		t.Fatalf("acme's admins: %v, %v", list, err)
	}
	g, err := e.Grants.Create(testkit.Context(t), grant.CreateRequest{Tenant: "acme", Scopes: []string{"read"}, Duration: time.Hour, By: store.Actor{ID: apitest.Ana.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if !g.CreatedAt.Equal(e.Clock.Now()) {
		t.Fatalf("created at %v, want the clock's %v", g.CreatedAt, e.Clock.Now())
	}
	if types := e.EventTypes("acme"); len(types) == 0 || types[len(types)-1] != grant.EventCreated || e.Head("acme").Seq != int64(len(types)) {
		t.Fatalf("acme's audit: %v", types)
	}
	e.Notify(t.Context(), "acme", "grant.created", g)
	if n := e.Notes(); len(n) != 1 || n[0].Tenant != "acme" {
		t.Fatalf("notes %+v", n)
	}
}
