package login_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/login"
)

// twoSites returns two relying parties over one store and one provider,
// each with its own site, as two Caddy sites of one Lockbox.
func twoSites(t *testing.T) (a, b *harness) {
	t.Helper()
	a = newHarness(t, options{site: "rp"})
	b = newHarness(t, options{site: "rp", issuer: a.idp.Issuer(), store: a.store})
	return a, b
}

func TestSessionIsHonouredOnlyOnItsSite(t *testing.T) {
	a, b := twoSites(t)
	agent := newBrowser(t, a)
	expect(t, agent.login(a, "bob"), http.StatusOK, "")
	value := agent.cookie(a, login.SessionCookiePlain)
	if status, _ := agent.whoami(a); status != http.StatusOK {
		t.Fatalf("whoami on the site that created the session = %d", status)
	}
	other := newBrowser(t, b)
	other.setCookie(b, login.SessionCookiePlain, value)
	if status, s := other.whoami(b); status != http.StatusUnauthorized {
		t.Fatalf("site B honoured site A's session: %d %+v", status, s.Identity)
	}
	// Nor does the refusal end it where it belongs.
	if status, _ := agent.whoami(a); status != http.StatusOK {
		t.Fatalf("whoami on site A after B refused the cookie = %d", status)
	}
}

func TestSessionFromPlainHTTPIsNoSessionOverHTTPS(t *testing.T) {
	// One site served over both schemes, as localhost can be.
	const site = "https://localhost/_lockbox"
	plain := newHarness(t, options{site: site})
	secure := newHarness(t, options{site: site, tls: true, issuer: plain.idp.Issuer(), store: plain.store})
	agent := newBrowser(t, plain)
	expect(t, agent.login(plain, "bob"), http.StatusOK, "")
	value := agent.cookie(plain, login.SessionCookiePlain)
	if value == "" {
		t.Fatal("no session cookie over plain HTTP")
	}
	replay := newBrowser(t, secure)
	replay.setCookie(secure, login.SessionCookieHost, value)
	if status, s := replay.whoami(secure); status != http.StatusUnauthorized {
		t.Fatalf("a cookie issued over plain HTTP was honoured as %s over HTTPS: %d %+v", login.SessionCookieHost, status, s.Identity)
	}
}

func TestLoginStartedOnOneSiteIsRefusedOnAnother(t *testing.T) {
	a, b := twoSites(t)
	agent := newBrowser(t, a)
	cb := agent.signIn(agent.begin(a, ""), "bob")
	// The callback is delivered to site B; the browser's binding cookie
	// goes along (cookies do not tell ports apart).
	o := agent.callback(strings.Replace(cb, a.rp.URL, b.rp.URL, 1))
	expect(t, o, http.StatusForbidden, login.CodeWrongSite)
	if agent.cookie(b, login.SessionCookiePlain) != "" {
		t.Fatal("site B created a session")
	}
	// The state was spent on the refused attempt, before any exchange:
	// the code is still unused, but the login must start again.
	expect(t, agent.callback(cb), http.StatusForbidden, login.CodeStateInvalid)
}
