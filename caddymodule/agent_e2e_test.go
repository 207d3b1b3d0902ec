package caddymodule_test

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/testkit"
)

func TestAgentLoginEntersTenantWithContractHeaders(t *testing.T) {
	t.Parallel()
	e := newAgentEnv(t, envOptions{})
	gw := e.gw()
	g := gw.grant("acme", "--for", "7d", "--scopes", "read,write,pii")
	gw.grant("globex", "--for", "1d", "--scopes", "read,write")
	gw.revoke("globex", "no longer needed")

	for _, tt := range []struct {
		user string
		want map[string][]string
	}{
		{user: "bob", want: map[string][]string{"acme": {"read", "write", "pii"}}},
		{user: "alice", want: map[string][]string{"acme": {"read"}}},
	} {
		c := newAgentBrowser(t, gw.site).loginConsole(tt.user)
		if !maps.EqualFunc(c.tenants, tt.want, slices.Equal) {
			t.Fatalf("%s's console lists %v, want %v", tt.user, c.tenants, tt.want)
		}
	}

	dave := newAgentBrowser(t, gw.site)
	wantRefusal(t, "dave's login", dave.login("dave"), http.StatusForbidden, "No support role")
	if dave.hasSessionCookie() {
		t.Fatal("dave got a session cookie")
	}

	bob := newAgentBrowser(t, gw.site)
	bob.loginConsole("bob")
	bob.setCookie("app_session", "kept-for-the-app")
	bob.enter("acme")
	got := bob.get("/orders?id=7").echo(t)
	ids := lockboxHeaders(got.Header)
	sid := ids["x-lockbox-session"]
	testkit.WantIdentityHeaders(t, ids, testkit.Identity{Tenant: "acme", Agent: "bob@support.example", AgentSub: "bob",
		Scopes: "read write pii", Grant: g.ID, PII: "visible"})
	if names := cookieNames(got.Header); !slices.Equal(names, []string{"app_session"}) {
		t.Fatalf("the app got cookies %v, want only its own", names)
	}

	// The app verifies the token with a standard library; the audience
	// defaults to the site's host and port.
	tok, claims := verifyToken(t, gw.issuer(), strings.TrimPrefix(gw.site, "http://"), ids["x-lockbox-token"])
	if tok.Issuer != gw.issuer() || tok.Subject != "acme" || claims.Tenant != "acme" ||
		claims.Act.Sub != "bob" || claims.Act.Email != "bob@support.example" || claims.Act.Iss != e.idp.Issuer() ||
		claims.Scope != "read write pii" || claims.SID != sid || claims.Grant != g.ID || claims.BreakGlass != nil {
		t.Fatalf("token: iss %q sub %q, claims %+v", tok.Issuer, tok.Subject, claims)
	}
}

func TestAgentRevokedThroughTheCLIIsRefusedAndAudited(t *testing.T) {
	t.Parallel()
	e := newAgentEnv(t, envOptions{})
	gw := e.gw()
	g := gw.grant("acme", "--for", "7d", "--scopes", "read,write")
	bob := newAgentBrowser(t, gw.site)
	bob.loginConsole("bob")
	bob.enter("acme")
	const proxied = 3 // agent requests that reach the app
	var sid string
	for range proxied {
		sid = lockboxHeaders(bob.get("/orders").echo(t).Header)["x-lockbox-session"]
	}

	gw.revoke("acme", "case closed")
	hits := e.app.hits()
	wantRefusal(t, "the request after the revocation", bob.get("/orders"), http.StatusForbidden,
		"Access revoked", "acme revoked support access", "by ops:"+e2eOperator)
	if e.app.hits() != hits {
		t.Fatal("the request after the revocation reached the app")
	}
	// The agent is out of the tenant: what follows is ordinary traffic.
	if ids := lockboxHeaders(bob.get("/orders").echo(t).Header); len(ids) != 0 {
		t.Fatalf("identity headers after the revocation: %v", ids)
	}

	var events []auditEvent
	testkit.EventuallyWithin(t, 10*time.Second, func() bool {
		events = gw.audit("acme")
		return countEvents(events, "session.ended", "revoked") == 1 && countEvents(events, "http.request", "") == proxied
	}, "session.ended (revoked) and %d http.request events in the audit: %+v", proxied, events)
	for _, typ := range []string{"grant.created", "session.started", "grant.revoked"} {
		if countEvents(events, typ, "") != 1 {
			t.Errorf("audit has %d %s events, want 1", countEvents(events, typ, ""), typ)
		}
	}
	for _, ev := range events {
		if ev.Type == "session.ended" && (ev.Session != sid || ev.Grant != g.ID) {
			t.Errorf("session.ended names session %s and grant %s, want %s and %s", ev.Session, ev.Grant, sid, g.ID)
		}
	}
	wantContains(t, gw.ok("audit", "verify", "--tenant", "acme"), "Audit chain of tenant acme is intact")

	// The visit counts the request refused after the revocation too, as
	// its page lists it.
	var ss []sessionJSON
	testkit.EventuallyWithin(t, 10*time.Second, func() bool {
		ss = gw.sessions("acme")
		return len(ss) == 1 && ss[0].Requests == proxied+1 && ss[0].Refused == 1
	}, "one session with %d requests, 1 refused", proxied+1)
	s := ss[0]
	if s.ID != sid || s.Grant != g.ID || s.EndReason != "revoked" || s.EndedAt == nil || s.Agent.Email != "bob@support.example" {
		t.Fatalf("session: %+v", s)
	}
	wantContains(t, gw.ok("sessions", "--tenant", "acme"), "SESSION", "REASON", "REQUESTS", sid, "bob@support.example", "revoked")
}

func TestAgentScopesAndDenyRulesHoldThroughCaddy(t *testing.T) {
	t.Parallel()
	e := newAgentEnv(t, envOptions{})
	gw := e.gw()
	gw.grant("acme", "--for", "1d", "--scopes", "read,write,pii")
	gw.grant("initech", "--for", "1d", "--scopes", "read")
	bob := newAgentBrowser(t, gw.site)
	bob.loginConsole("bob")
	alice := newAgentBrowser(t, gw.site)
	alice.loginConsole("alice")
	alice.enter("acme")
	if ids := lockboxHeaders(alice.get("/").echo(t).Header); ids["x-lockbox-scopes"] != "read" || ids["x-lockbox-pii"] != "masked" {
		t.Fatalf("alice's headers: %v", ids)
	}

	t.Run("read-only", func(t *testing.T) {
		bob.enter("initech")
		for _, b := range []*agentBrowser{bob, alice} {
			hits := e.app.hits()
			p := b.do(call{method: http.MethodPost, url: "/api/items", header: http.Header{"Content-Type": {"application/json"}}})
			wantRefusal(t, "a POST", p, http.StatusForbidden, "Read-only access")
			if e.app.hits() != hits {
				t.Fatal("a refused POST reached the app")
			}
			if got := b.get("/api/items").echo(t); got.Method != http.MethodGet {
				t.Fatalf("a GET reached the app as %s", got.Method)
			}
		}
	})

	t.Run("deny rules", func(t *testing.T) {
		bob.enter("acme")
		sid := lockboxHeaders(bob.get("/").echo(t).Header)["x-lockbox-session"]
		cookie := "Cookie: " + bob.cookieHeader()
		tests := []struct {
			method, target string
			raw            bool // sent over plain TCP, exactly as written
			status         int
		}{
			{method: "GET", target: "/settings/billing", status: http.StatusForbidden},
			{method: "GET", target: "/settings/billing/invoices?tab=cards", status: http.StatusForbidden},
			{method: "GET", target: "/settings/%62illing", status: http.StatusForbidden},
			{method: "GET", target: "/SETTINGS/BILLING", status: http.StatusForbidden},
			{method: "POST", target: "/settings/billing", status: http.StatusForbidden},
			{method: "GET", target: "/settings//billing", status: http.StatusBadRequest},
			{method: "GET", target: "/x/../settings/billing", raw: true, status: http.StatusBadRequest},
			{method: "GET", target: "/settings/./billing", raw: true, status: http.StatusBadRequest},
			{method: "GET", target: "/settings%2fbilling", status: http.StatusBadRequest},
			{method: "GET", target: "/settings%2Fbilling", raw: true, status: http.StatusBadRequest},
			{method: "DELETE", target: "/api/account", status: http.StatusForbidden},
			{method: "DELETE", target: "/api/account/42", status: http.StatusForbidden},
			{method: "DELETE", target: "/API/Account", raw: true, status: http.StatusForbidden},
		}
		hits := e.app.hits()
		for _, tt := range tests {
			var p reply
			if tt.raw {
				p = rawRequest(t, gw.site, tt.method, tt.target, cookie)
			} else {
				p = bob.do(call{method: tt.method, url: tt.target})
			}
			if p.status != tt.status || !strings.Contains(p.body, "Back to the console") {
				t.Errorf("%s %s = %d, want Lockbox's %d page: %.300s", tt.method, tt.target, p.status, tt.status, p.body)
			}
		}
		if got := e.app.since(hits); len(got) != 0 {
			t.Fatalf("refused requests reached the app: %+v", got)
		}
		// What no rule covers goes through.
		for _, tt := range []struct{ method, target string }{{"GET", "/settings/profile"}, {"GET", "/billing"}, {"DELETE", "/api/items/9"}, {"GET", "/api/account"}} {
			if got := bob.do(call{method: tt.method, url: tt.target}).echo(t); got.Method != tt.method || got.URI != tt.target {
				t.Errorf("%s %s reached the app as %s %s", tt.method, tt.target, got.Method, got.URI)
			}
		}
		var events []auditEvent
		testkit.EventuallyWithin(t, 10*time.Second, func() bool {
			events = ofSession(gw.audit("acme"), sid)
			return countEvents(events, "access.denied", "") == len(tests)
		}, "%d access.denied events of bob's session: %+v", len(tests), events)
		if n := countEvents(events, "access.denied", "blocked_action"); n != 8 {
			t.Errorf("%d access.denied events for deny rules, want 8", n)
		}
	})
}

// headerSpoofs are client-sent headers that could pass for Lockbox's.
// Caddy drops names with '_' or '.' unless told to expect them, and drops
// the hyphenated spelling of a name it expects, so the names here differ
// from case to case.
var headerSpoofs = []struct {
	name  string
	lines []string // header lines, sent over plain TCP exactly as written
}{
	{"canonical", []string{"X-Lockbox-Tenant: globex", "X-Lockbox-Agent: mallory@evil.example"}},
	{"lowercase", []string{"x-lockbox-tenant: globex", "x-lockbox-grant: g_forged"}},
	{"uppercase", []string{"X-LOCKBOX-TOKEN: forged.jwt.value", "X-LOCKBOX-AGENT: mallory@evil.example"}},
	{"underscores", []string{"X_Lockbox_Scopes: read write pii", "x_lockbox_agent_sub: mallory", "X_LOCKBOX_BREAK_GLASS: true"}},
	{"dots", []string{"X.Lockbox.PII: visible", "x.lockbox.session: s_forged"}},
	{"repeated", []string{"X-Lockbox-Grant: g_forged", "x-lockbox-grant: g_forged2"}},
	{"named in Connection", []string{"Connection: X-Lockbox-Tenant", "X-Lockbox-Tenant: globex"}},
}

func TestAgentSpoofedHeadersNeverReachTheApp(t *testing.T) {
	t.Parallel()
	// The site lets in the '_' and '.' spellings of some of Lockbox's
	// names, as an operator might for an app that uses such names, so
	// Lockbox's own scrubbing is what keeps them from the app.
	e := newAgentEnv(t, envOptions{
		underscoreHeaders: []string{"X_Lockbox_Scopes", "X_Lockbox_Agent_Sub", "X_Lockbox_Break_Glass", "X_App_Scopes"},
		dotHeaders:        []string{"X.Lockbox.PII", "X.Lockbox.Session", "X.App.Token"},
	})
	gw := e.gw()
	g := gw.grant("acme", "--for", "1d", "--scopes", "read,write")
	bob := newAgentBrowser(t, gw.site)
	bob.loginConsole("bob")
	bob.enter("acme")
	truth := withoutRequestID(t, lockboxHeaders(bob.get("/").echo(t).Header))
	if truth["x-lockbox-tenant"] != "acme" || truth["x-lockbox-grant"] != g.ID || truth["x-lockbox-pii"] != "masked" {
		t.Fatalf("bob's own headers: %v", truth)
	}
	control := rawRequest(t, gw.site, "GET", "/x", "X_App_Scopes: kept", "X.App.Token: kept").echo(t)
	if control.Header.Get("X_app_scopes") != "kept" || control.Header.Get("X.app.token") != "kept" {
		t.Fatalf("the app did not get the expected odd names, so the test would prove nothing: %v", control.Header)
	}
	// The token is minted once per lifetime, so every request of the
	// session carries the same headers.
	cookie := "Cookie: " + bob.cookieHeader()
	for _, sp := range headerSpoofs {
		t.Run(sp.name+"/ordinary", func(t *testing.T) {
			got := rawRequest(t, gw.site, "GET", "/x", sp.lines...).echo(t)
			if ids := lockboxHeaders(got.Header); len(ids) != 0 {
				t.Fatalf("the app got %v", ids)
			}
		})
		t.Run(sp.name+"/agent", func(t *testing.T) {
			got := rawRequest(t, gw.site, "GET", "/x", append(sp.lines, cookie)...).echo(t)
			if ids := withoutRequestID(t, lockboxHeaders(got.Header)); !maps.Equal(ids, truth) {
				t.Fatalf("the app got\n%v\nwant the gateway's own\n%v", ids, truth)
			}
		})
	}
	// Go's client sends a non-canonical name as written, too.
	h := http.Header{"X_Lockbox_Scopes": {"read write pii"}, "x-lockbox-tenant": {"globex"}}
	if ids := lockboxHeaders(newAgentBrowser(t, gw.site).do(call{url: "/x", header: h}).echo(t).Header); len(ids) != 0 {
		t.Fatalf("the app got %v from Go's client", ids)
	}
	if ids := withoutRequestID(t, lockboxHeaders(bob.do(call{url: "/x", header: h}).echo(t).Header)); !maps.Equal(ids, truth) {
		t.Fatalf("the app got %v from Go's client, want %v", ids, truth)
	}
}

// withoutRequestID checks that ids holds a request id of Lockbox's own
// making (26 base32 characters, never a spoofed value) and returns the
// rest, which are the same on every request of a session.
func withoutRequestID(t *testing.T, ids map[string]string) map[string]string {
	t.Helper()
	id := ids["x-lockbox-request-id"]
	if len(id) != 26 || strings.ToUpper(id) != id {
		t.Fatalf("request id %q is not Lockbox's", id)
	}
	delete(ids, "x-lockbox-request-id")
	return ids
}
