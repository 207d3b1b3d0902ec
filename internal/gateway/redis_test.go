package gateway_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// The tests here take Redis down on purpose.
func init() { testkit.QuietRedisLogs() }

// pollUntil sends requests with b until ok accepts a page or the deadline
// passes, and returns the last page and how many pages came before it.
func pollUntil(t *testing.T, b *browser, path string, within time.Duration, ok func(page) bool) (page, int) {
	t.Helper()
	deadline := time.Now().Add(within)
	for n := 0; ; n++ {
		p := b.get(path)
		if ok(p) {
			return p, n
		}
		if time.Now().After(deadline) {
			t.Fatalf("no acceptable answer within %s; last: %d %.300s", within, p.status, p.body)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestStoreDownFailsClosedForAgentsOnly(t *testing.T) {
	rs := redistest.Start(t)
	e := newEnv(t, options{redis: rs})
	e.grant("acme", 24*time.Hour, "read", "write")
	agent := newBrowser(t, e.url())
	agent.loginConsole("bob")
	agent.enter("acme")
	agent.get("/").echo(t)
	ordinary := newBrowser(t, e.url())

	rs.Stop()
	// Cached state is trusted only while the change feed is heard, which
	// stops with the store.
	p, _ := pollUntil(t, agent, "/orders", 10*time.Second, func(p page) bool { return p.status != http.StatusOK })
	if p.status != http.StatusServiceUnavailable || !strings.Contains(p.body, "Support access is paused") ||
		strings.Contains(strings.ToLower(p.body), "redis") || strings.Contains(p.body, "127.0.0.1") {
		t.Fatalf("agent request with the store down: %d %.500s", p.status, p.body)
	}
	hits := e.upstream.hits.Load()
	if p := agent.get("/orders"); p.status != http.StatusServiceUnavailable || e.upstream.hits.Load() != hits {
		t.Fatalf("agent request with the store down reached the app: %d", p.status)
	}
	if p := agent.get("/_lockbox/"); p.status != http.StatusServiceUnavailable {
		t.Fatalf("console with the store down: %d", p.status)
	}
	if got := ordinary.get("/orders").echo(t); got.Path != "/orders" || len(lockboxHeaders(got.Header)) != 0 {
		t.Fatalf("ordinary request with the store down: %+v", got)
	}

	// The store comes back empty; the gateway carries on by itself. The
	// agent's login is gone with the data, so the cookie is nobody's.
	rs.Restart()
	p, _ = pollUntil(t, agent, "/orders", 10*time.Second, func(p page) bool { return p.status != http.StatusServiceUnavailable })
	if got := p.echo(t); len(lockboxHeaders(got.Header)) != 0 {
		t.Fatalf("identity headers from a store that lost the session: %v", lockboxHeaders(got.Header))
	}
	g := e.grant("acme", 24*time.Hour, "read", "write")
	agent.loginConsole("bob")
	agent.enter("acme")
	ids := lockboxHeaders(agent.get("/").echo(t).Header)
	if ids["x-lockbox-tenant"] != "acme" || ids["x-lockbox-grant"] != g.ID || ids["x-lockbox-token"] == "" {
		t.Fatalf("identity headers after the store came back: %v", ids)
	}
}

func TestInstancesShareSessionsAndRevocations(t *testing.T) {
	rs := redistest.Start(t)
	e := newEnv(t, options{redis: rs, instances: 2})
	g := e.grant("acme", 24*time.Hour, "read", "write", "pii")
	a := newBrowser(t, e.insts[0].srv.URL)
	a.loginConsole("bob")
	a.enter("acme")
	onA := lockboxHeaders(a.get("/").echo(t).Header)

	// The cookie jar sends the cookie to B too (cookies ignore ports).
	b := newBrowser(t, e.insts[1].srv.URL)
	b.ShareJar(a.AgentBrowser)
	for range 3 { // warm B's caches
		onB := lockboxHeaders(b.get("/").echo(t).Header)
		if onB["x-lockbox-session"] != onA["x-lockbox-session"] || onB["x-lockbox-tenant"] != "acme" {
			t.Fatalf("B's headers %v, A's %v", onB, onA)
		}
	}

	e.revoke("acme", g.ID)
	start := time.Now()
	p, allowed := pollUntil(t, b, "/", time.Second, func(p page) bool { return p.status != http.StatusOK })
	if p.status != http.StatusForbidden || !strings.Contains(p.body, "Access revoked") {
		t.Fatalf("B after revocation: %d %.400s", p.status, p.body)
	}
	t.Logf("B refused %s after the revocation, after %d more allowed requests", time.Since(start).Round(time.Millisecond), allowed)
	// A hears of it too: the agent is out of the tenant everywhere.
	testkit.Eventually(t, func() bool { return len(lockboxHeaders(a.get("/").echo(t).Header)) == 0 }, "A to drop the session")
	if ids := lockboxHeaders(b.get("/").echo(t).Header); len(ids) != 0 {
		t.Fatalf("B still sends identity headers: %v", ids)
	}
	e.verifyAudit("acme")
}
