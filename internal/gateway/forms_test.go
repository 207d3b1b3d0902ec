package gateway_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/devidp"
	"github.com/lockbox-gw/lockbox/internal/login"
)

func TestConsoleFormsNeedCSRFAndSameOrigin(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", 24*time.Hour, "read", "write")
	b := newBrowser(t, e.url())
	c := b.loginConsole("bob")
	other := newBrowser(t, e.url())
	otherCSRF := other.loginConsole("alice").csrf

	tests := []struct {
		name   string
		form   url.Values
		origin string
	}{
		{name: "no csrf", form: url.Values{"tenant": {"acme"}}},
		{name: "empty csrf", form: url.Values{"tenant": {"acme"}, "csrf": {""}}},
		{name: "wrong csrf", form: url.Values{"tenant": {"acme"}, "csrf": {strings.Repeat("A", 43)}}},
		{name: "another agent's csrf", form: url.Values{"tenant": {"acme"}, "csrf": {otherCSRF}}},
		{name: "cross origin", form: url.Values{"tenant": {"acme"}, "csrf": {c.csrf}}, origin: "http://evil.example"},
		{name: "other port", form: url.Values{"tenant": {"acme"}, "csrf": {c.csrf}}, origin: "http://127.0.0.1:1"},
		{name: "null origin", form: url.Values{"tenant": {"acme"}, "csrf": {c.csrf}}, origin: "null"},
		{name: "no origin or referer", form: url.Values{"tenant": {"acme"}, "csrf": {c.csrf}}, origin: "-"},
	}
	for _, tt := range tests {
		for _, route := range []string{"/_lockbox/sessions", "/_lockbox/exit", "/_lockbox/logout", askPath} {
			form := url.Values{"reason": {"Customer reports missing invoices"}, "duration": {"1d"}}
			for k, v := range tt.form {
				form[k] = v
			}
			p := b.do(req{method: http.MethodPost, url: route, form: form, origin: tt.origin})
			if p.status != http.StatusForbidden || !strings.Contains(p.body, "Form refused") {
				t.Errorf("%s to %s: %d %.300s", tt.name, route, p.status, p.body)
			}
		}
	}
	if n := len(e.sessions("acme")); n != 0 {
		t.Fatalf("%d sessions started by refused forms", n)
	}
	if n := len(e.stored("acme")); n != 0 {
		t.Fatalf("%d access requests sent by refused forms", n)
	}
	if b.cookie() == "" {
		t.Fatal("a refused logout form signed the agent out")
	}
	if ids := lockboxHeaders(b.get("/").echo(t).Header); len(ids) != 0 {
		t.Fatalf("identity headers after refused forms: %v", ids)
	}
	// The same form with the token and from the console's origin works.
	b.enter("acme")
}

func TestEnterRefusesMalformedTenantIDs(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", 24*time.Hour, "read")
	b := newBrowser(t, e.url())
	c := b.loginConsole("bob")
	for _, id := range []string{"", "ACME", "Acme", "acme!", "../acme", "acme/..", "-acme", " acme", "acme\r\nX-Evil: 1", "ac me", "acme\x00", strings.Repeat("a", 64), "äcme"} {
		p := b.post("/_lockbox/sessions", url.Values{"csrf": {c.csrf}, "tenant": {id}})
		if p.status != http.StatusBadRequest || !strings.Contains(p.body, "Unknown tenant") {
			t.Errorf("tenant %q: %d %.300s", id, p.status, p.body)
		}
	}
	if n := len(e.sessions("acme")); n != 0 {
		t.Fatalf("%d sessions", n)
	}
}

func TestBadCookiesAreNotSignedIn(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", 24*time.Hour, "read")

	// A session that existed once, signed out since.
	gone := newBrowser(t, e.url())
	c := gone.loginConsole("bob")
	destroyed := gone.cookie()
	if p := gone.post("/_lockbox/logout", url.Values{"csrf": {c.csrf}}); p.status != http.StatusOK {
		t.Fatalf("logout: %d", p.status)
	}

	tests := []struct{ name, value string }{
		{"1 MB of garbage", strings.Repeat("A", 1<<20)},
		{"binary-looking", strings.Repeat("%00%ff", 100)},
		{"token-shaped but unknown", strings.Repeat("x", 43)},
		{"one character short", destroyed[:42]},
		{"destroyed session", destroyed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{"Cookie": {login.SessionCookiePlain + "=" + tt.value + "; app_session=abc"}}
			b := newBrowser(t, e.url())
			got := b.do(req{url: "/orders", header: h}).echo(t)
			if ids := lockboxHeaders(got.Header); len(ids) != 0 {
				t.Fatalf("identity headers %v", ids)
			}
			if names := cookieNames(got.Header); len(names) != 1 || names[0] != "app_session" {
				t.Fatalf("the app got cookies %v", names)
			}
			if p := b.do(req{url: "/_lockbox/", header: h}); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location(), "/_lockbox/login") {
				t.Fatalf("console: %d %q", p.status, p.location())
			}
			if p := b.do(req{method: http.MethodPost, url: "/_lockbox/sessions", header: h, form: url.Values{"tenant": {"acme"}}}); p.status != http.StatusUnauthorized {
				t.Fatalf("enter: %d", p.status)
			}
		})
	}
	if n := len(e.sessions("acme")); n != 0 {
		t.Fatalf("%d sessions", n)
	}
}

// TestLoginRefusesIdentitiesThatCouldSplitHeaders signs in as provider
// users whose name or email carry line breaks: the identity would end up
// in X-Lockbox-Agent and in audit lines.
func TestLoginRefusesIdentitiesThatCouldSplitHeaders(t *testing.T) {
	users := []devidp.User{
		{Username: "crlf-name", Name: "Eve\r\nX-Lockbox-Tenant: globex", Email: "eve@support.example", Groups: []string{"customer-ops"}},
		{Username: "crlf-email", Name: "Eve", Email: "eve@support.example\r\nX-Lockbox-Scopes: pii", Groups: []string{"customer-ops"}},
		{Username: "lf-email", Name: "Eve", Email: "eve@support.example\nX-Injected: 1", Groups: []string{"customer-ops"}},
		{Username: "line-separator", Name: "Eve\u2028Admin", Email: "eve@support.example", Groups: []string{"customer-ops"}},
		{Username: "crlf-group", Name: "Eve", Email: "eve@support.example", Groups: []string{"customer-ops", "x\r\ny"}},
		{Username: "fine", Name: "Fine Agent", Email: "fine@support.example", Groups: []string{"customer-ops"}},
	}
	e := newEnv(t, options{users: users})
	e.grant("acme", 24*time.Hour, "read")
	for _, u := range users[:len(users)-1] {
		t.Run(u.Username, func(t *testing.T) {
			b := newBrowser(t, e.url())
			p := b.login(u.Username)
			if p.status != http.StatusForbidden || !strings.Contains(p.body, "Login failed") || !strings.Contains(p.body, "cannot accept") {
				t.Fatalf("login: %d %.500s", p.status, p.body)
			}
			if b.cookie() != "" {
				t.Fatal("a session cookie was set")
			}
		})
	}
	b := newBrowser(t, e.url())
	if c := b.loginConsole("fine"); len(c.tenants) != 1 {
		t.Fatalf("the well-formed user's console: %+v", c)
	}
}
