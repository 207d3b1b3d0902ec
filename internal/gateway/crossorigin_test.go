package gateway_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestFormsRefuseCrossSiteFetch: a console form a browser marks as sent
// by another site is refused before its CSRF token is looked at, even
// when it carries the token and the console's Origin.
func TestFormsRefuseCrossSiteFetch(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", 24*time.Hour, "read", "write")
	b := newBrowser(t, e.url())
	c := b.loginConsole("bob")
	for _, site := range []string{"cross-site", "same-site"} {
		for _, route := range []string{"/_lockbox/sessions", "/_lockbox/exit", "/_lockbox/logout", askPath} {
			form := url.Values{"tenant": {"acme"}, "csrf": {c.csrf}, "reason": {"Customer reports missing invoices"}, "duration": {"1d"}}
			p := b.do(req{method: http.MethodPost, url: route, form: form, header: http.Header{"Sec-Fetch-Site": {site}}})
			if p.status != http.StatusForbidden || !strings.Contains(p.body, "Form refused") {
				t.Errorf("%s POST to %s: %d %.300s", site, route, p.status, p.body)
			}
		}
	}
	if n := len(e.sessions("acme")); n != 0 {
		t.Fatalf("%d sessions started by cross-site forms", n)
	}
	if b.cookie() == "" {
		t.Fatal("a cross-site logout form signed the agent out")
	}
	// A browser's same-origin form goes through.
	p := b.do(req{method: http.MethodPost, url: "/_lockbox/sessions", form: url.Values{"tenant": {"acme"}, "csrf": {c.csrf}}, header: http.Header{"Sec-Fetch-Site": {"same-origin"}}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("same-origin form: %d %.300s", p.status, p.body)
	}
}
