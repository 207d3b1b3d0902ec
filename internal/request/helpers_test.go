package request_test

import (
	"context"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

var (
	agent  = store.Agent{Subject: "agent-1", Issuer: "https://idp.test", Email: "Sam@Vendor.test", Name: "Sam"}
	owner  = store.Actor{ID: "adm-1", Email: "owner@acme.test", Role: "owner"}
	second = store.Actor{ID: "adm-2", Email: "cfo@acme.test", Role: "admin"}
)

// env is one site's request service on a real store.
type env struct {
	svc    *request.Service
	grants *grant.Service
	st     store.Store
	clock  *testkit.Clock
}

func ctx() context.Context { return context.Background() }

func openBolt(t *testing.T) store.Store { return testkit.Bolt(t) }

// backends runs fn on bolt and on Redis.
func backends(t *testing.T, fn func(t *testing.T, open func(*testing.T) store.Store)) {
	t.Run("bolt", func(t *testing.T) { fn(t, openBolt) })
	t.Run("redis", func(t *testing.T) {
		srv := redistest.Start(t)
		fn(t, func(t *testing.T) store.Store { return testkit.Redis(t, srv.URL()) })
	})
}

var testAreas = policy.Areas{"planning": {"/planning*"}, "billing": {"/billing*"}}

func newEnv(t *testing.T, st store.Store, c *testkit.Clock, cfg request.Config) env {
	t.Helper()
	if c == nil {
		c = testkit.NowClock()
	}
	if cfg.Areas == nil {
		cfg.Areas = testAreas
	}
	g := grant.New(st, c.Now)
	svc, err := request.New(g, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return env{svc: svc, grants: g, st: st, clock: c}
}

func (e env) ask(t *testing.T, a request.Ask) request.Request {
	t.Helper()
	if a.Tenant == "" {
		a.Tenant = "acme"
	}
	if a.Agent == (store.Agent{}) {
		a.Agent = agent
	}
	if a.Reason == "" {
		a.Reason = "customer reports a broken invoice"
	}
	if a.Duration == "" {
		a.Duration = "1d"
	}
	r, err := e.svc.Create(ctx(), a)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return r
}

func eventTypes(t *testing.T, st store.Store, tenant string) []string {
	t.Helper()
	es, err := st.Events(ctx(), tenant, store.EventQuery{Limit: store.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Type)
	}
	if v, err := store.Verify(ctx(), st, tenant); err != nil || !v.OK {
		t.Fatalf("audit chain of %s: %+v, %v", tenant, v, err)
	}
	return out
}

func grantReq(d string) grant.CreateRequest {
	dur, _ := grant.ParseDuration(d)
	return grant.CreateRequest{Tenant: "acme", Scopes: []string{"read"}, Duration: dur, By: owner}
}
