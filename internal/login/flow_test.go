package login_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/login"
)

func TestLoginMapsGroupsToRoles(t *testing.T) {
	h := newHarness(t, options{})
	tests := []struct {
		user       string
		roles      []string
		scopes     []string
		breakGlass time.Duration
	}{
		{user: "alice", roles: []string{"support"}, scopes: []string{"read"}},
		{user: "bob", roles: []string{"operations"}, scopes: []string{"read", "write", "pii"}},
		{user: "carol", roles: []string{"oncall"}, scopes: []string{"read", "write"}, breakGlass: time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			b := newBrowser(t, h)
			o := b.login(h, tt.user)
			expect(t, o, http.StatusOK, "")
			r := o.result
			if !slices.Equal(r.Roles, tt.roles) || !slices.Equal(r.Scopes, tt.scopes) || r.BreakGlass != tt.breakGlass {
				t.Fatalf("identity = roles %v scopes %v break-glass %s", r.Roles, r.Scopes, r.BreakGlass)
			}
			if r.Agent.Subject != tt.user || r.Agent.Issuer != h.idp.Issuer() || r.Agent.Email != tt.user+"@support.example" || r.Agent.Name == "" {
				t.Fatalf("agent = %+v", r.Agent)
			}
			if r.ReturnTo != login.DefaultConsolePath {
				t.Fatalf("return to %q, want the console", r.ReturnTo)
			}
			status, sess := b.whoami(h)
			if status != http.StatusOK || sess.Agent.Subject != tt.user || !slices.Equal(sess.Roles, tt.roles) || sess.CSRF == "" {
				t.Fatalf("whoami = %d %+v", status, sess)
			}
			if d := sess.ExpiresAt.Sub(sess.CreatedAt); d != login.DefaultSessionMax {
				t.Fatalf("session lasts %s, want %s", d, login.DefaultSessionMax)
			}
		})
	}
}

func TestLoginWithoutRoleMakesNoSession(t *testing.T) {
	h := newHarness(t, options{})
	b := newBrowser(t, h)
	expect(t, b.login(h, "dave"), http.StatusForbidden, login.CodeNoRole)
	if v := b.cookie(h, login.SessionCookiePlain); v != "" {
		t.Fatalf("a session cookie was set for an agent without a role")
	}
	if status, _ := b.whoami(h); status != http.StatusUnauthorized {
		t.Fatalf("whoami = %d, want 401", status)
	}
}

func TestLoginKeepsSafeReturnTo(t *testing.T) {
	h := newHarness(t, options{})
	tests := []struct{ returnTo, want string }{
		{"/app/tickets?id=7", "/app/tickets?id=7"},
		{"//evil.example", login.DefaultConsolePath},
		{"https://evil.example/", login.DefaultConsolePath},
	}
	for _, tt := range tests {
		b := newBrowser(t, h)
		o := b.callback(b.signIn(b.begin(h, tt.returnTo), "bob"))
		expect(t, o, http.StatusOK, "")
		if o.result.ReturnTo != tt.want {
			t.Errorf("return_to %q came back as %q, want %q", tt.returnTo, o.result.ReturnTo, tt.want)
		}
	}
}

func TestLoginRequestsPKCEStateAndNonce(t *testing.T) {
	h := newHarness(t, options{})
	b := newBrowser(t, h)
	p := b.begin(h, "")
	q := p.authURL.Query()
	if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 {
		t.Fatalf("no S256 PKCE challenge in %v", q)
	}
	if len(p.state()) < 22 || len(p.nonce()) < 22 || p.state() == p.nonce() {
		t.Fatalf("state %q and nonce %q must be distinct and carry at least 128 bits", p.state(), p.nonce())
	}
	if q.Get("response_type") != "code" || q.Get("scope") != "openid email profile" {
		t.Fatalf("authorization request = %v", q)
	}
	if b.cookie(h, "lockbox-login") == "" {
		t.Fatal("no browser binding cookie")
	}
}

func TestLoginOverHTTPSUsesHostCookie(t *testing.T) {
	h := newHarness(t, options{tls: true})
	b := newBrowser(t, h)
	o := b.login(h, "bob")
	expect(t, o, http.StatusOK, "")
	var session, binding *http.Cookie
	for _, c := range o.resp.Cookies() {
		switch c.Name {
		case login.SessionCookieHost:
			session = c
		case "__Host-lockbox-login":
			binding = c
		case login.SessionCookiePlain, "lockbox-login":
			t.Fatalf("plain cookie %s set over HTTPS", c.Name)
		}
	}
	if session == nil || !session.Secure || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/" || session.Domain != "" {
		t.Fatalf("session cookie = %+v", session)
	}
	if binding == nil || binding.MaxAge >= 0 {
		t.Fatalf("binding cookie not cleared: %+v", binding)
	}
	if status, sess := b.whoami(h); status != http.StatusOK || sess.Agent.Subject != "bob" {
		t.Fatalf("whoami over HTTPS = %d", status)
	}
}

func TestLoginReplacesPreviousSession(t *testing.T) {
	h := newHarness(t, options{})
	b := newBrowser(t, h)
	expect(t, b.login(h, "alice"), http.StatusOK, "")
	old := b.cookie(h, login.SessionCookiePlain)
	expect(t, b.login(h, "bob"), http.StatusOK, "")
	if b.cookie(h, login.SessionCookiePlain) == old {
		t.Fatal("the session cookie value was kept across logins")
	}
	if _, sess := b.whoami(h); sess.Agent.Subject != "bob" {
		t.Fatalf("whoami = %+v", sess.Agent)
	}
	b.setCookie(h, login.SessionCookiePlain, old)
	if status, _ := b.whoami(h); status != http.StatusUnauthorized {
		t.Fatalf("the previous session survived the new login: whoami with its cookie = %d", status)
	}
}

func TestLogoutRefusesDestroyedCookie(t *testing.T) {
	h := newHarness(t, options{})
	b := newBrowser(t, h)
	expect(t, b.login(h, "bob"), http.StatusOK, "")
	value := b.cookie(h, login.SessionCookiePlain)
	resp, _ := b.get(h.rp.URL + "/_lockbox/logout")
	if resp.StatusCode != http.StatusOK || b.cookie(h, login.SessionCookiePlain) != "" {
		t.Fatalf("logout = %d; cookie still in the browser", resp.StatusCode)
	}
	b.setCookie(h, login.SessionCookiePlain, value)
	if status, _ := b.whoami(h); status != http.StatusUnauthorized {
		t.Fatalf("a destroyed session's cookie was accepted: %d", status)
	}
}
