package caddymodule_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// pollReply sends GETs of path with b until ok accepts a reply, failing
// the test after within, and returns that reply.
func pollReply(t *testing.T, b *agentBrowser, path string, within time.Duration, ok func(reply) bool) reply {
	t.Helper()
	var p reply
	testkit.EventuallyWithin(t, within, func() bool {
		p = b.get(path)
		return ok(p)
	}, "GET %s: an acceptable answer; last: %s", path, testkit.Lazy(func() string { return fmt.Sprintf("%d %.300s", p.status, p.body) }))
	return p
}

func TestAgentStoreDownFailsClosedAndRecovers(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	e := newAgentEnv(t, envOptions{storage: "redis " + rs.URL()})
	gw := e.gw()
	gw.grant("acme", "--for", "1d", "--scopes", "read,write")
	bob := newAgentBrowser(t, gw.site)
	bob.loginConsole("bob")
	bob.enter("acme")
	bob.get("/").echo(t)
	visitor := newAgentBrowser(t, gw.site)

	rs.Stop()
	// Cached state is trusted only while the change feed is heard, and
	// the feed stops with the store.
	p := pollReply(t, bob, "/orders", 10*time.Second, func(p reply) bool { return p.status != http.StatusOK })
	wantRefusal(t, "an agent request with the store down", p, http.StatusServiceUnavailable, "Support access is paused")
	if body := strings.ToLower(p.body); strings.Contains(body, "redis") || strings.Contains(body, "127.0.0.1") {
		t.Fatalf("the 503 page shows internals: %s", p.body)
	}
	hits := e.app.hits()
	wantRefusal(t, "the next agent request", bob.get("/orders"), http.StatusServiceUnavailable, "Support access is paused")
	if e.app.hits() != hits {
		t.Fatal("an agent request reached the app with the store down")
	}
	if got := visitor.get("/orders").echo(t); got.URI != "/orders" || len(lockboxHeaders(got.Header)) != 0 {
		t.Fatalf("ordinary request with the store down: %+v", got)
	}

	// Redis comes back empty, lockbox carries on by itself: the agent's
	// login went with the data, so the cookie is nobody's.
	rs.Restart()
	p = pollReply(t, bob, "/orders", 10*time.Second, func(p reply) bool { return p.status != http.StatusServiceUnavailable })
	if ids := lockboxHeaders(p.echo(t).Header); len(ids) != 0 {
		t.Fatalf("identity headers from a store that lost the session: %v", ids)
	}
	g := gw.grant("acme", "--for", "1d", "--scopes", "read,write")
	bob.loginConsole("bob")
	bob.enter("acme")
	ids := lockboxHeaders(bob.get("/").echo(t).Header)
	if ids["x-lockbox-tenant"] != "acme" || ids["x-lockbox-grant"] != g.ID || ids["x-lockbox-token"] == "" {
		t.Fatalf("identity headers after the store came back: %v", ids)
	}
	if _, c := verifyToken(t, gw.issuer(), strings.TrimPrefix(gw.site, "http://"), ids["x-lockbox-token"]); c.Grant != g.ID {
		t.Fatalf("token after the store came back names grant %s, want %s", c.Grant, g.ID)
	}
}

// TestAgentInstancesShareLoginAndRevocation runs two lockbox processes on
// one Redis with one issuer and audience, as behind a load balancer: the
// login record, keys and grants are in the store, so a login on one
// works on the other and the tokens of both verify against either.
func TestAgentInstancesShareLoginAndRevocation(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	e := newAgentEnv(t, envOptions{storage: "redis " + rs.URL(), instances: 2, sharedIssuer: true})
	a, b := e.gws[0], e.gws[1]
	a.grant("acme", "--for", "1d", "--scopes", "read,write,pii")
	bob := newAgentBrowser(t, a.site)
	bob.loginConsole("bob")
	bob.enter("acme")
	onA := lockboxHeaders(bob.get("/").echo(t).Header)

	// Browsers keep the cookie for A's host; a load balancer would send
	// it to B as well, so the test does.
	toB := newAgentBrowser(t, b.site)
	cookie := http.Header{"Cookie": {bob.cookieHeader()}}
	var onB map[string]string
	for range 3 { // and B's caches are warm
		onB = lockboxHeaders(toB.do(call{url: "/", header: cookie}).echo(t).Header)
		if onB["x-lockbox-session"] != onA["x-lockbox-session"] || onB["x-lockbox-tenant"] != "acme" {
			t.Fatalf("B's headers %v, A's %v", onB, onA)
		}
	}
	for _, raw := range []string{onA["x-lockbox-token"], onB["x-lockbox-token"]} {
		if _, c := verifyToken(t, a.issuer(), e2eAudience, raw); c.SID != onA["x-lockbox-session"] {
			t.Fatalf("token of session %s, want %s", c.SID, onA["x-lockbox-session"])
		}
	}

	started := time.Now()
	a.revoke("acme", "case closed")
	returned := time.Now()
	allowed := 0
	p := toB.do(call{url: "/", header: cookie})
	for p.status == http.StatusOK {
		if time.Since(returned) > time.Second {
			t.Fatalf("B still lets the agent in %s after the revocation", time.Since(returned))
		}
		allowed++
		time.Sleep(5 * time.Millisecond)
		p = toB.do(call{url: "/", header: cookie})
	}
	refused := time.Now()
	wantRefusal(t, "B after the revocation on A", p, http.StatusForbidden, "Access revoked")
	t.Logf("B refused the agent %s after `lockbox grant revoke` on A returned (%s after it started), after %d more allowed requests",
		refused.Sub(returned).Round(time.Millisecond), refused.Sub(started).Round(time.Millisecond), allowed)

	// A lets nothing through either: at most its own refusal page, then
	// the agent is out of the tenant.
	if p := bob.get("/"); p.status != http.StatusOK {
		wantRefusal(t, "A after the revocation", p, http.StatusForbidden, "Access revoked")
	} else if ids := lockboxHeaders(p.echo(t).Header); len(ids) != 0 {
		t.Fatalf("A sends identity headers after the revocation: %v", ids)
	}
	if ids := lockboxHeaders(bob.get("/").echo(t).Header); len(ids) != 0 {
		t.Fatalf("A sends identity headers after the revocation: %v", ids)
	}
}
