package caddymodule_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// grantLife is how long the test's grant lasts: long enough to log in
// and enter on a busy machine, far shorter than the service's shortest
// grant (a minute), which the test would otherwise wait out.
const grantLife = 4 * time.Second

// TestAgentGrantExpiryEndsTheSession gives acme a grant that expires in
// a few seconds, written straight into the shared store, and checks that
// the gateway refuses bob from its expiry on and ends his session as
// expired.
func TestAgentGrantExpiryEndsTheSession(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	e := newAgentEnv(t, envOptions{storage: "redis " + rs.URL()})
	gw := e.gw()
	st := testkit.Redis(t, rs.URL())
	bob := newAgentBrowser(t, gw.site)
	bob.loginConsole("bob")

	now := time.Now().UTC()
	expires := now.Add(grantLife)
	g := store.Grant{ID: "g_short", Tenant: "acme", Scopes: []string{"read"}, CreatedBy: store.Actor{ID: "ops:dana"}, CreatedAt: now, ExpiresAt: &expires}
	if _, err := st.PutGrant(context.Background(), g); err != nil {
		t.Fatal(err)
	}
	bob.enter("acme")
	bob.get("/").echo(t)
	if late := time.Since(expires); late > -time.Second {
		t.Fatalf("bob entered with only %s of the %s grant left; the machine is too busy", -late, grantLife)
	}

	var p reply
	deadline := expires.Add(15 * time.Second)
	testkit.EventuallyWithin(t, time.Until(deadline), func() bool {
		p = bob.get("/orders")
		return p.status != http.StatusOK
	}, "bob still allowed 15s after the grant expired at %s", expires)
	refused := time.Now()
	wantRefusal(t, "the first refusal near the grant's expiry", p, http.StatusForbidden, "Access expired")
	// Token times are whole seconds, so the session may end up to a
	// second before its grant, but no earlier.
	if early := expires.Sub(refused); early > time.Second {
		t.Fatalf("refused %s before the grant expired", early)
	}
	t.Logf("refused %s after the grant's expiry", refused.Sub(expires).Round(time.Millisecond))

	var ss []sessionJSON
	testkit.EventuallyWithin(t, 10*time.Second, func() bool {
		ss = gw.sessions("acme")
		return len(ss) == 1 && ss[0].EndReason == "expired"
	}, "the session to end as expired: %s", testkit.Lazy(func() string { return fmt.Sprintf("%+v", ss) }))
	var events []auditEvent
	testkit.EventuallyWithin(t, 10*time.Second, func() bool {
		events = gw.audit("acme")
		return countEvents(events, "session.ended", "expired") == 1
	}, "session.ended (expired) in the audit: %s", testkit.Lazy(func() string { return fmt.Sprintf("%+v", events) }))
}
