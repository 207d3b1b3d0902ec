package gateway_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/gateway"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/policy"
)

// testAreas are the areas every test gateway is configured with.
var testAreas = policy.Areas{
	"planning": {"/planning*"},
	"calendar": {"/calendar*"},
}

func TestGrantLimitedToAreas(t *testing.T) {
	e := newEnv(t, options{})
	_, err := e.grants.Create(e.ctx, grant.CreateRequest{
		Tenant: "acme", Scopes: []string{"read", "write"}, Duration: time.Hour, By: tenantAdmin,
		Areas: []string{"planning", "calendar"},
	})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	b.enter("acme")
	if ss := e.sessions("acme"); len(ss) != 1 || !slices.Equal(ss[0].Areas, []string{"calendar", "planning"}) {
		t.Fatalf("session areas: %+v", ss)
	}
	b.get("/planning/board").echo(t)
	b.get("/%43ALENDAR/2024").echo(t)

	hits := e.upstream.hits.Load()
	for _, target := range []string{"/billing", "/PLANNINGX/../billing"} {
		p := b.get(target)
		if target == "/billing" && (p.status != http.StatusForbidden || !strings.Contains(p.body, "This grant covers only: calendar, planning")) {
			t.Fatalf("GET %s: %d %.600s", target, p.status, p.body)
		}
		if p.status < 400 {
			t.Fatalf("GET %s: %d", target, p.status)
		}
	}
	if e.upstream.hits.Load() != hits {
		t.Fatal("a request outside the areas reached the app")
	}
	denied := e.waitEvents("acme", gateway.EventAccessDenied, 2)
	if r := eventData(t, denied[0])["reason"]; r != policy.CodeOutsideAreas {
		t.Fatalf("access.denied reason %v", r)
	}
	// Lockbox's own routes stay reachable.
	if c := b.console(); c.current != "acme" {
		t.Fatalf("console while limited to areas: %+v", c)
	}
}

func TestGrantWithoutAreasCoversTheWholeApp(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", time.Hour, "read")
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	b.enter("acme")
	b.get("/billing").echo(t)
	b.get("/planning").echo(t)
}
