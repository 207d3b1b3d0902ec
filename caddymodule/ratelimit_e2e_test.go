package caddymodule_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// limitedCaddyfileLines is the rate_limit block of the test: low enough
// to reach in a few requests.
const limitedCaddyfileLines = `rate_limit {
			api_failures 3/h
			login 2/h
			requests 2/h
		}`

// startLimitedSite is startAccessSite with limitedCaddyfileLines.
func startLimitedSite(t *testing.T) accessSite {
	t.Helper()
	return startTenantAdminSite(t, tenantAdminConfig{Global: limitedCaddyfileLines})
}

// wantTooMany checks a 429 answer with a Retry-After of about want
// seconds (the process's clock runs on while the test does).
func wantTooMany(t *testing.T, what string, p reply, want int) {
	t.Helper()
	if p.status != http.StatusTooManyRequests {
		t.Fatalf("%s: %s, want 429", what, p.summary())
	}
	secs, err := strconv.Atoi(p.header.Get("Retry-After"))
	if err != nil || secs > want || secs < want-60 {
		t.Fatalf("%s: Retry-After %q, want about %d", what, p.header.Get("Retry-After"), want)
	}
}

// TestRateLimitsThroughCaddy runs the three limits of a rate_limit block
// through a real lockbox process: logins per client, access requests per
// agent, and failed app API keys per client, which are each logged at
// warn with a fingerprint of the key and never the key.
func TestRateLimitsThroughCaddy(t *testing.T) {
	t.Parallel()
	s := startLimitedSite(t)
	g := s.g
	for _, tenant := range []string{"acme", "globex", "initech"} {
		s.admins(tenant, "ana", "ana@"+tenant+".example", "owner")
	}

	// Logins: alice's is the first of 2 an hour from 127.0.0.1.
	alice := newAgentBrowser(t, g.site)
	alice.loginConsole("alice")
	if p := rawRequest(t, g.site, http.MethodGet, "/_lockbox/login"); p.status != http.StatusFound && p.status != http.StatusSeeOther {
		t.Fatalf("second login: %s, want a redirect to the provider", p.summary())
	}
	p := rawRequest(t, g.site, http.MethodGet, "/_lockbox/login")
	wantTooMany(t, "third login", p, 1800)
	wantContains(t, p.body, "Too many sign-ins")
	// Forged callbacks from the same client are refused unrecorded once
	// its logins are spent, so they cannot flood the logins chain.
	before := len(g.loginEvents())
	for range 3 {
		wantTooMany(t, "forged callback", rawRequest(t, g.site, http.MethodGet, "/_lockbox/callback?state=forged&code=x"), 1800)
	}
	if after := len(g.loginEvents()); after != before {
		t.Fatalf("forged callbacks past the limit added %d events to the logins chain", after-before)
	}

	// Access requests: 2 an hour for alice; a refused form costs nothing.
	form := func(tenant string) url.Values {
		return url.Values{"tenant": {tenant}, "reason": {"ticket 7"}, "duration": {"1d"}, "csrf": {alice.console().csrf}}
	}
	bad := form("acme")
	bad.Set("duration", "forever")
	if p := alice.do(call{method: http.MethodPost, url: "/_lockbox/requests", form: bad}); p.status != http.StatusBadRequest {
		t.Fatalf("a bad form: %s, want 400", p.summary())
	}
	alice.ask(form("acme"))
	alice.ask(form("globex"))
	p = alice.do(call{method: http.MethodPost, url: "/_lockbox/requests", form: form("initech")})
	wantTooMany(t, "third access request", p, 1800)
	var listed struct{ Requests []requestJSON }
	s.api.must(http.MethodGet, "/tenants/initech/requests", http.StatusOK, &listed, nil)
	if len(listed.Requests) != 0 {
		t.Fatalf("the refused request reached initech: %+v", listed.Requests)
	}

	// Failed API keys: 3 an hour from 127.0.0.1, then the right key waits too.
	wrong := []string{"not-the-key-of-this-app-0001", "not-the-key-of-this-app-0002", "not-the-key-of-this-app-0003"}
	for _, k := range wrong {
		if p := rawRequest(t, g.site, http.MethodGet, "/_lockbox/api/v1/tenants/acme/grants", "Authorization: Bearer "+k); p.status != http.StatusUnauthorized {
			t.Fatalf("wrong key %s: %s, want 401", k, p.summary())
		}
	}
	for _, k := range []string{"not-the-key-of-this-app-0004", e2eAPIKey} {
		p := rawRequest(t, g.site, http.MethodGet, "/_lockbox/api/v1/tenants/acme/grants", "Authorization: Bearer "+k)
		wantTooMany(t, "after 3 failed keys", p, 1200)
		wantContains(t, p.body, `"code":"rate_limited"`)
	}

	// A process may write a log line just after it has answered.
	logged := []string{`"msg":"app api key refused"`, `"remote":"127.0.0.1"`, `"route":"GET /_lockbox/api/v1/tenants/{tenant}/grants"`,
		`"msg":"app api client rate limited"`, `"msg":"agent login rate limited"`, `"msg":"agent access requests rate limited"`}
	testkit.EventuallyWithin(t, 5*time.Second, func() bool {
		out := g.out.String()
		for _, s := range logged {
			if !strings.Contains(out, s) {
				return false
			}
		}
		return true
	}, "log lines %q missing from:\n%s", logged, g.out.String())
	out := g.out.String()
	for _, k := range wrong {
		sum := sha256.Sum256([]byte(k))
		wantContains(t, out, `"key":"sha256:`+hex.EncodeToString(sum[:4])+`"`)
	}
	if n := strings.Count(out, `"msg":"app api key refused"`); n != 3 {
		t.Errorf("%d refused keys logged, want 3", n)
	}
	for _, k := range append(wrong, e2eAPIKey) {
		if strings.Contains(out, k) {
			t.Errorf("the log holds the key %s", k)
		}
	}
}

// loginEvents reads the logins chain with `lockbox audit --logins --json`.
func (g *gatewayProc) loginEvents() []auditEvent {
	g.t.Helper()
	var page struct{ Events []auditEvent }
	g.okJSON(&page, "audit", "--logins", "--json", "--limit", "5000")
	return page.Events
}

// TestRateLimitsSharedByGatewaysOnRedis: two lockbox processes on one
// Redis spend from one budget, so a client cannot multiply its sign-ins
// by alternating between the gateways behind a load balancer.
func TestRateLimitsSharedByGatewaysOnRedis(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	e := newAgentEnv(t, envOptions{storage: "redis " + rs.URL() + "\n\t\trate_limit {\n\t\t\tlogin 3/h\n\t\t}", instances: 2})
	a, b := e.gws[0], e.gws[1]
	for i, g := range []*gatewayProc{a, b, a} {
		if p := rawRequest(t, g.site, http.MethodGet, "/_lockbox/login"); p.status != http.StatusFound && p.status != http.StatusSeeOther {
			t.Fatalf("sign-in %d: %s, want a redirect to the provider", i+1, p.summary())
		}
	}
	wantTooMany(t, "fourth sign-in, on B", rawRequest(t, b.site, http.MethodGet, "/_lockbox/login"), 1200)
	wantTooMany(t, "fifth sign-in, on A", rawRequest(t, a.site, http.MethodGet, "/_lockbox/login"), 1200)
}
