package tenantadmin_test

import (
	"testing"

	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// ctx is a context for one call of the test.
var ctx = testkit.Context

func TestActor(t *testing.T) {
	st := testkit.Bolt(t)
	reg := admins.New(st, nil)
	ana := admins.Admin{ID: "u_ana", Email: "ana@acme.test", Name: "Ana", Role: "owner"}
	vic := admins.Admin{ID: "u_vic", Email: "vic@acme.test", Role: "viewer"}
	if _, err := reg.Set(ctx(t), "acme", []admins.Admin{ana, vic}, store.Actor{ID: "app"}); err != nil {
		t.Fatal(err)
	}
	r, _ := tenantadmin.Rules{}.Normalized()
	actor, rec, err := r.Actor(ctx(t), reg, "acme", "u_ana")
	if err != nil || actor != (store.Actor{ID: "u_ana", Email: "ana@acme.test", Role: "owner"}) || rec != ana {
		t.Fatalf("Actor = %+v, %+v, %v", actor, rec, err)
	}
	tests := []struct {
		name, tenant, id, code string
	}{
		{"other tenant", "globex", "u_ana", "admin_not_registered"},
		{"unknown", "acme", "u_eve", "admin_not_registered"},
		{"role", "acme", "u_vic", "role_not_allowed"},
		{"bad tenant", "ACME", "u_ana", "invalid_tenant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := r.Actor(ctx(t), reg, tt.tenant, tt.id)
			if p := problem.As(err); p.Code != tt.code {
				t.Fatalf("Actor error %v (%s), want %s", err, p.Code, tt.code)
			}
		})
	}
	_ = st.Close()
	if _, _, err := r.Actor(ctx(t), reg, "acme", "u_ana"); problem.As(err).Code != "store_unavailable" {
		t.Fatalf("store down: %v", err)
	}
}

func TestRegistered(t *testing.T) {
	st := testkit.Bolt(t)
	reg := admins.New(st, nil)
	vic := admins.Admin{ID: "u_vic", Email: "vic@acme.test", Role: "viewer"}
	if _, err := reg.Set(ctx(t), "acme", []admins.Admin{vic}, store.Actor{ID: "app"}); err != nil {
		t.Fatal(err)
	}
	// Any role is registered; whether it may act is the rules' say.
	if a, err := tenantadmin.Registered(ctx(t), reg, "acme", "u_vic"); err != nil || a != vic {
		t.Fatalf("Registered = %+v, %v", a, err)
	}
	_, err := tenantadmin.Registered(ctx(t), reg, "globex", "u_vic")
	if p := problem.As(err); p.Kind != problem.Forbidden || p.Code != "admin_not_registered" || p.Message != `admin "u_vic" is not registered for tenant globex` {
		t.Fatalf("other tenant: %v (%s)", err, p.Code)
	}
	if got := tenantadmin.ActorOf(vic); got != (store.Actor{ID: "u_vic", Email: "vic@acme.test", Role: "viewer"}) {
		t.Fatalf("ActorOf = %+v", got)
	}
}
