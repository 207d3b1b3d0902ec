package gateway_test

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/lockbox-gw/lockbox/internal/gateway"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

func TestConsoleListsGrantedTenantsWithEffectiveScopes(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", 7*24*time.Hour, "read", "write", "pii")
	globex := e.grant("globex", 24*time.Hour, "read", "write")
	e.revoke("globex", globex.ID)

	tests := []struct {
		user string
		want map[string][]string
	}{
		{user: "bob", want: map[string][]string{"acme": {"read", "write", "pii"}}},
		{user: "alice", want: map[string][]string{"acme": {"read"}}},
		{user: "carol", want: map[string][]string{"acme": {"read", "write"}}},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			b := newBrowser(t, e.url())
			c := b.loginConsole(tt.user)
			if !maps.EqualFunc(c.tenants, tt.want, slices.Equal) {
				t.Fatalf("console lists %v, want %v", c.tenants, tt.want)
			}
			if b.cookie() == "" {
				t.Fatal("no session cookie after login")
			}
		})
	}
}

func TestLoginWithoutRoleIsRefused(t *testing.T) {
	e := newEnv(t, options{})
	b := newBrowser(t, e.url())
	p := b.login("dave")
	if p.status != http.StatusForbidden || !strings.Contains(p.body, "No support role") || !strings.Contains(p.body, "no Lockbox role") {
		t.Fatalf("dave's login: %d %.500s", p.status, p.body)
	}
	if b.cookie() != "" {
		t.Fatal("dave got a session cookie")
	}
	if p := b.get("/_lockbox/"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location(), "/_lockbox/login") {
		t.Fatalf("console after a refused login: %d %q", p.status, p.location())
	}
}

func TestEnterSendsContractHeadersAndAVerifiableToken(t *testing.T) {
	e := newEnv(t, options{})
	g := e.grant("acme", 7*24*time.Hour, "read", "write", "pii")
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	b.setCookie("app_session", "kept-for-the-app")
	b.enter("acme")

	p := b.do(req{url: "/", follow: true})
	got := p.echo(t)
	ids := lockboxHeaders(got.Header)
	sid := ids["x-lockbox-session"]
	testkit.WantIdentityHeaders(t, ids, testkit.Identity{Tenant: "acme", Agent: "bob@support.example", AgentSub: "bob",
		Scopes: "read write pii", Grant: g.ID, PII: "visible"})
	if names := cookieNames(got.Header); !slices.Equal(names, []string{"app_session"}) {
		t.Fatalf("upstream got cookies %v, want only the app's", names)
	}
	if c := b.console(); c.current != "acme" {
		t.Fatalf("console shows current tenant %q", c.current)
	}

	// The app verifies the token with a standard library, from the
	// gateway's discovery document and JWKS.
	raw := ids["x-lockbox-token"]
	provider, err := oidc.NewProvider(e.ctx, e.url()+"/_lockbox")
	if err != nil {
		t.Fatalf("discovery through the gateway: %v", err)
	}
	v := provider.Verifier(&oidc.Config{ClientID: audience, SupportedSigningAlgs: []string{"ES256"}, Now: e.clock.Now})
	tok, err := v.Verify(e.ctx, raw)
	if err != nil {
		t.Fatalf("go-oidc refused the token: %v", err)
	}
	var claims struct {
		Tenant string `json:"tenant"`
		Act    struct {
			Sub, Email, Iss string
		} `json:"act"`
		Scope      string `json:"scope"`
		SID        string `json:"sid"`
		Grant      string `json:"grant"`
		BreakGlass *bool  `json:"break_glass"`
	}
	if err := tok.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if tok.Subject != "acme" || claims.Tenant != "acme" || claims.Act.Sub != "bob" || claims.Act.Email != "bob@support.example" ||
		claims.Act.Iss != e.idp.Issuer() || claims.Scope != "read write pii" || claims.SID != sid || claims.Grant != g.ID || claims.BreakGlass != nil {
		t.Fatalf("claims: sub %q %+v", tok.Subject, claims)
	}

	// The token is minted once per lifetime, not per request.
	again := lockboxHeaders(b.get("/orders").echo(t).Header)["x-lockbox-token"]
	if again != raw {
		t.Fatal("a second request within the token's lifetime got a new token")
	}
	e.clock.Add(4*time.Minute + 30*time.Second)
	renewed := lockboxHeaders(b.get("/orders").echo(t).Header)["x-lockbox-token"]
	if renewed == raw || renewed == "" {
		t.Fatal("a token near its expiry was not renewed")
	}
}

func TestReadOnlyAgentSeesMaskedPII(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", 24*time.Hour, "read", "write", "pii")
	b := newBrowser(t, e.url())
	b.loginConsole("alice")
	b.enter("acme")
	ids := lockboxHeaders(b.get("/").echo(t).Header)
	if ids["x-lockbox-scopes"] != "read" || ids["x-lockbox-pii"] != "masked" || ids["x-lockbox-agent"] != "alice@support.example" {
		t.Fatalf("alice's headers: %v", ids)
	}
}

func TestOrdinaryTrafficPassesUntouched(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", time.Hour)
	b := newBrowser(t, e.url())
	b.setCookie("app_session", "abc")
	p := b.do(req{method: http.MethodPost, url: "/api/things?x=1", header: http.Header{"X-Http-Method-Override": {"PATCH"}}})
	got := p.echo(t)
	if got.Method != http.MethodPost || got.Path != "/api/things" || got.Header.Get("X-Http-Method-Override") != "PATCH" {
		t.Fatalf("upstream saw %+v", got)
	}
	if ids := lockboxHeaders(got.Header); len(ids) != 0 {
		t.Fatalf("ordinary request got identity headers %v", ids)
	}
	if names := cookieNames(got.Header); !slices.Equal(names, []string{"app_session"}) {
		t.Fatalf("upstream got cookies %v", names)
	}
}

func TestSignedInAgentOutsideATenantIsOrdinaryTraffic(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", time.Hour, "read")
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	got := b.get("/dashboard").echo(t)
	if ids := lockboxHeaders(got.Header); len(ids) != 0 {
		t.Fatalf("agent outside a tenant got identity headers %v", ids)
	}
	if names := cookieNames(got.Header); len(names) != 0 {
		t.Fatalf("upstream got cookies %v", names)
	}
}

func TestOwnRoutes(t *testing.T) {
	e := newEnv(t, options{})
	b := newBrowser(t, e.url())
	tests := []struct {
		method, path string
		status       int
		want         string
	}{
		{http.MethodGet, "/_lockbox", http.StatusSeeOther, ""},
		{http.MethodGet, "/_lockbox/nope", http.StatusNotFound, "no such Lockbox page"},
		{http.MethodGet, "/_lockbox/sessions", http.StatusMethodNotAllowed, "does not take GET"},
		{http.MethodPost, "/_lockbox/jwks.json", http.StatusMethodNotAllowed, ""},
		{http.MethodGet, "/_lockbox/jwks.json", http.StatusOK, `"alg":"ES256"`},
		{http.MethodGet, "/_lockbox/.well-known/openid-configuration", http.StatusOK, `"jwks_uri":"` + e.url() + `/_lockbox/jwks.json"`},
		{http.MethodHead, "/_lockbox/jwks.json", http.StatusOK, ""},
		{http.MethodDelete, "/_lockbox/", http.StatusMethodNotAllowed, "does not take DELETE"},
		{http.MethodPost, "/_lockbox", http.StatusMethodNotAllowed, "does not take POST"},
		{http.MethodGet, "/_lockbox/jwks.json/x", http.StatusNotFound, "no such Lockbox page"},
		{http.MethodGet, "/_lockbox/admin", http.StatusNotFound, "no such Lockbox page"},
		{http.MethodPost, "/_lockbox/api/v1/grants", http.StatusNotFound, "no such Lockbox page"},
		{http.MethodGet, "/_lockbox//jwks.json", http.StatusTemporaryRedirect, `href="/_lockbox/jwks.json"`},
	}
	for _, tt := range tests {
		p := b.do(req{method: tt.method, url: tt.path})
		if p.status != tt.status || !strings.Contains(p.body, tt.want) {
			t.Errorf("%s %s = %d %.200s", tt.method, tt.path, p.status, p.body)
		}
		if allow := p.header.Get("Allow"); tt.status == http.StatusMethodNotAllowed && allow == "" {
			t.Errorf("%s %s: 405 without an Allow header", tt.method, tt.path)
		}
	}
	if e.upstream.hits.Load() != 0 {
		t.Fatal("a Lockbox route reached the app")
	}
}

func TestNewRefusesMissingParts(t *testing.T) {
	if _, err := gateway.New(gateway.Config{}, gateway.Deps{}); err == nil {
		t.Fatal("New without a store, login and keys succeeded")
	}
}
