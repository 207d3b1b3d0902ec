package caddymodule

import (
	"context"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// TestSweepExpiresRequests: a request nobody answered within request_ttl
// ends as expired on the app's sweep, without anyone looking at it, and
// the app's webhook is told once; one still within its time is left.
func TestSweepExpiresRequests(t *testing.T) {
	s, _ := boltStorage(t)
	app := &App{Storage: s, RequestTTL: caddy.Duration(time.Hour), ApprovalsNeeded: 2,
		Webhooks: []Webhook{{URL: "https://app.internal/hooks", Secret: testSecret}}}
	if err := app.Provision(testContext(t)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Cleanup() })
	ctx := context.Background()
	ask := func(tenant string, ago time.Duration) request.Request {
		t.Helper()
		then := func() time.Time { return time.Now().Add(-ago) }
		svc, err := request.New(grant.New(app.Store(), then), app.access.requests)
		if err != nil {
			t.Fatal(err)
		}
		r, err := svc.Create(ctx, request.Ask{Tenant: tenant, Reason: "checking", Duration: "1d",
			// An agent per request: asking again reads the agent's own requests,
			// which would record the expiry before the sweep.
			Agent: store.Agent{Subject: "agent-of-" + tenant, Issuer: "https://idp.example"}})
		if err != nil {
			t.Fatal(err)
		}
		if r.Needed != 2 || !r.ExpiresAt.Equal(r.CreatedAt.Add(time.Hour)) {
			t.Fatalf("request made with %d approvals needed, lasting %s; want the app's 2 and 1h", r.Needed, r.ExpiresAt.Sub(r.CreatedAt))
		}
		return r
	}
	old, fresh := ask("acme", 2*time.Hour), ask("globex", time.Minute)

	app.sweeper.Once(ctx)
	app.sweeper.Once(ctx)
	// Counted before anything reads the requests, which would record the
	// expiry too.
	if k := countKinds(pending(t, app), notify.RequestExpired); k["webhook"] != 1 {
		t.Errorf("request.expired notifications %v; want one webhook", k)
	}

	for _, c := range []struct {
		r    request.Request
		want string
	}{{old, request.Expired}, {fresh, request.Pending}} {
		got, err := app.requests.Get(ctx, c.r.ID)
		if err != nil || got.State != c.want {
			t.Errorf("request of %s after the sweep: %+v, %v; want %s", c.r.Tenant, got.State, err, c.want)
		}
	}
}
