package caddymodule_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/devidp"
	"github.com/lockbox-gw/lockbox/internal/oidctest"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// twoSitesCaddyfile serves two sites of one Lockbox, on one store: A,
// where the support group has a role, and B, where only customer-ops
// does.
var twoSitesCaddyfile = e2eCaddyfile(`{{template "global" .}}
http://127.0.0.1:{{.Port}} {
	lockbox {
		{{template "oidc" .}}
		role support groups support scopes read
	}
	reverse_proxy {{.Upstream}}
}

http://127.0.0.1:{{.PortB}} {
	lockbox {
		{{template "oidc" .}}
		role operations groups customer-ops scopes read write
	}
	reverse_proxy {{.Upstream}}
}
`)

// twoSites fills twoSitesCaddyfile.
type twoSites struct {
	Admin, Storage, IdP, Upstream string
	Port, PortB                   int
}

func TestLoginAndSessionsBelongToTheirSiteThroughCaddy(t *testing.T) {
	t.Parallel()
	gw := newGatewayProc(t, lockboxBinary(t))
	portB := freePort(t)
	siteB := fmt.Sprintf("http://127.0.0.1:%d", portB)
	idp, err := devidp.Start("127.0.0.1:0", devidp.Config{
		Clients: []devidp.Client{{ID: e2eClientID, Secret: e2eClientSecret, RedirectURIs: []string{gw.issuer() + "/callback", siteB + "/_lockbox/callback"}}},
		Logger:  slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idp.Close() })
	app := startEchoApp(t)
	gw.launchWith(twoSitesCaddyfile, twoSites{Admin: gw.admin, Port: gw.port, PortB: portB,
		Storage: "bolt " + filepath.Join(t.TempDir(), "lockbox.db"), IdP: idp.Issuer(), Upstream: app.hostport()})

	// alice has a role on A only. Her cookie reaches B too (browsers keep
	// cookies per host, not per port; another site would get it copied).
	alice := newAgentBrowser(t, gw.site)
	alice.loginConsole("alice")
	onB := newAgentBrowser(t, siteB)
	onB.ShareJar(alice.AgentBrowser)
	if !alice.hasSessionCookie() {
		t.Fatal("no session cookie after the login on A")
	}
	p := onB.get("/_lockbox/")
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/_lockbox/login") {
		t.Fatalf("site B with site A's session: %s, want the redirect to sign in", p.summary())
	}
	if got := onB.get("/orders").echo(t); len(lockboxHeaders(got.Header)) != 0 {
		t.Fatalf("site B sent identity headers for site A's session: %v", lockboxHeaders(got.Header))
	}
	alice.console() // still signed in on A

	// A login started on A, its callback delivered to B, is refused
	// there before any exchange.
	bob := newAgentBrowser(t, gw.site)
	cb := bob.signInStopAtCallback("bob")
	moved := strings.Replace(cb, gw.site, siteB, 1)
	wantRefusal(t, "A's login finished on B", bob.do(call{url: moved}), http.StatusForbidden, "started on another site")
	// The log reaches gw.out through a pipe, possibly after the response.
	testkit.EventuallyWithin(t, 10*time.Second, func() bool { return strings.Contains(gw.out.String(), "login_wrong_site") },
		"the refusal is logged:\n%s", gw.out.String())
}

// signInStopAtCallback starts a login, signs in at the development
// provider as user and returns the callback URL it sends the browser to,
// unopened.
func (b *agentBrowser) signInStopAtCallback(user string) string {
	b.t.Helper()
	// The provider answers the form with redirects to its callback and
	// then to ours; follow its own only.
	next := replyOf(b.Do(b.SignInForm(user)))
	for i := 0; i < 5 && next.status/100 == 3; i++ {
		loc, err := next.url.Parse(next.header.Get("Location"))
		if err != nil {
			b.t.Fatal(err)
		}
		if strings.HasPrefix(loc.String(), b.Base+"/_lockbox/callback") {
			return loc.String()
		}
		next = b.do(call{url: loc.String()})
	}
	b.t.Fatalf("the provider did not send the browser to the callback: %s", next.summary())
	return ""
}

func TestLoginHardeningWithAHostileProviderThroughCaddy(t *testing.T) {
	t.Parallel()
	idp := oidctest.Start(t, oidctest.Config{ClientID: e2eClientID, ClientSecret: e2eClientSecret, IssParameterSupported: true})
	gw := newGatewayProc(t, lockboxBinary(t))
	app := startEchoApp(t)
	gw.launch(siteConfig{Admin: gw.admin, Port: gw.port, Storage: "bolt " + filepath.Join(t.TempDir(), "lockbox.db"),
		IdP: idp.Issuer(), Upstream: app.hostport()})
	gw.grant("acme", "--for", "1d", "--scopes", "read")
	login := func() reply { return newAgentBrowser(t, gw.site).do(call{url: "/_lockbox/login", follow: true}) }

	// RFC 9207: a wrong iss, or none from a provider that announces it,
	// is refused before the code is exchanged, and the log says why.
	for _, tt := range []struct {
		name  string
		b     oidctest.Behaviour
		cause string
	}{
		{name: "wrong iss", b: oidctest.Behaviour{SendIss: true, Iss: "https://evil.example"}, cause: `iss parameter \"https://evil.example\" is not the issuer`},
		{name: "no iss", b: oidctest.Behaviour{}, cause: "iss parameter missing"},
	} {
		idp.Set(tt.b)
		wantRefusal(t, tt.name, login(), http.StatusForbidden, "does not come from the configured sign-in provider")
		if n := idp.Exchanges(); n != 0 {
			t.Fatalf("%s: the code was exchanged %d times", tt.name, n)
		}
		waitLog(t, gw, "agent login refused", tt.cause)
	}

	// An ID token with an untrusted extra audience is refused, and the
	// log names the audience.
	idp.Set(oidctest.Behaviour{SendIss: true, Claims: func(c map[string]any) {
		c["aud"], c["azp"] = []string{e2eClientID, "other-app"}, e2eClientID
	}})
	wantRefusal(t, "extra audience", login(), http.StatusForbidden, "ID token failed verification")
	waitLog(t, gw, "agent login refused", `audience \"other-app\" is neither the client id nor a trusted audience`)

	// A non-ASCII identity, and a subject with a comma, reach the app
	// encoded (RFC 8187), the token keeps them exact.
	const email, sub = "zoë@exämple.com", "аgent,7"
	idp.Set(oidctest.Behaviour{SendIss: true, Claims: func(c map[string]any) { c["email"], c["sub"] = email, sub }})
	zoe := newAgentBrowser(t, gw.site)
	if p := zoe.do(call{url: "/_lockbox/login", follow: true}); p.status != http.StatusOK || p.url.Path != "/_lockbox/" {
		t.Fatalf("login with the right iss: %s", p.summary())
	}
	zoe.enter("acme")
	ids := lockboxHeaders(zoe.get("/").echo(t).Header)
	if ids["x-lockbox-agent"] != "UTF-8''zo%C3%AB%40ex%C3%A4mple.com" || ids["x-lockbox-agent-sub"] != "UTF-8''%D0%B0gent%2C7" {
		t.Fatalf("identity headers %v", ids)
	}
	_, claims := verifyToken(t, gw.issuer(), strings.TrimPrefix(gw.site, "http://"), ids["x-lockbox-token"])
	if claims.Act.Email != email || claims.Act.Sub != sub {
		t.Fatalf("token act %+v, want the exact claims", claims.Act)
	}
}

// waitLog waits until the instance's log has a line with msg and part.
func waitLog(t *testing.T, g *gatewayProc, msg, part string) {
	t.Helper()
	has := func() bool {
		for _, line := range strings.Split(g.out.String(), "\n") {
			if strings.Contains(line, msg) && strings.Contains(line, part) {
				return true
			}
		}
		return false
	}
	testkit.EventuallyWithin(t, 5*time.Second, has, "no log line %q with %q:\n%s", msg, part, g.out.String())
}
