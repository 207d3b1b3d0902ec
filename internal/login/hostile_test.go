package login_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/oidctest"
)

// hostileHarness is a relying party whose provider is oidctest's, which
// misbehaves as told.
func hostileHarness(t *testing.T, issParam bool, configure func(*login.Config)) (*harness, *oidctest.Provider) {
	t.Helper()
	p := oidctest.Start(t, oidctest.Config{ClientID: clientID, ClientSecret: clientSecret, IssParameterSupported: issParam})
	return newHarness(t, options{issuer: p.Issuer(), site: "rp", configure: configure}), p
}

// hostileCallback starts a login on h; the test provider answers the
// authorization request at once, and the callback URL it sends the
// browser to is returned unopened.
func (b *browser) hostileCallback(h *harness) string {
	b.t.Helper()
	resp, body := b.get(h.rp.URL + "/_lockbox/login")
	loc, err := resp.Location()
	if resp.StatusCode != http.StatusFound || err != nil || !isClientCallback(loc) {
		b.t.Fatalf("expected the provider's redirect to the callback, got %d: %.300s", resp.StatusCode, body)
	}
	return loc.String()
}

func TestCallbackChecksIssParameter(t *testing.T) {
	tests := []struct {
		name      string
		announced bool // authorization_response_iss_parameter_supported
		b         oidctest.Behaviour
		issuer    func(p *oidctest.Provider) string // the iss to send; nil: the provider's
		code      string                            // "" for success
	}{
		{name: "no iss, not announced"},
		{name: "right iss, not announced", b: oidctest.Behaviour{SendIss: true}},
		{name: "right iss, announced", announced: true, b: oidctest.Behaviour{SendIss: true}},
		{name: "wrong iss", b: oidctest.Behaviour{SendIss: true, Iss: "https://evil.example"}, code: login.CodeIssuerMismatch},
		{name: "iss with a trailing slash", b: oidctest.Behaviour{SendIss: true},
			issuer: func(p *oidctest.Provider) string { return p.Issuer() + "/" }, code: login.CodeIssuerMismatch},
		{name: "iss in another case", b: oidctest.Behaviour{SendIss: true},
			issuer: func(p *oidctest.Provider) string { return strings.ToUpper(p.Issuer()) }, code: login.CodeIssuerMismatch},
		{name: "no iss, announced", announced: true, code: login.CodeIssuerMismatch},
		{name: "wrong iss, announced", announced: true, b: oidctest.Behaviour{SendIss: true, Iss: "https://evil.example"}, code: login.CodeIssuerMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, p := hostileHarness(t, tt.announced, nil)
			if tt.issuer != nil {
				tt.b.Iss = tt.issuer(p)
			}
			p.Set(tt.b)
			b := newBrowser(t, h)
			o := b.callback(b.hostileCallback(h))
			if tt.code == "" {
				expect(t, o, http.StatusOK, "")
				return
			}
			expect(t, o, http.StatusForbidden, tt.code)
			if n := p.Exchanges(); n != 0 {
				t.Fatalf("the code was exchanged %d times before the refusal", n)
			}
			if b.cookie(h, login.SessionCookiePlain) != "" {
				t.Fatal("a session was created")
			}
		})
	}
}

func TestCallbackRefusesDuplicatedIssParameter(t *testing.T) {
	h, p := hostileHarness(t, false, nil)
	b := newBrowser(t, h)
	cb := b.hostileCallback(h)
	o := b.callback(cb + "&iss=" + p.Issuer() + "&iss=https://evil.example")
	expect(t, o, http.StatusForbidden, login.CodeIssuerMismatch)
	if p.Exchanges() != 0 {
		t.Fatal("the code was exchanged")
	}
}

func TestIDTokenChecksBeyondGoOIDC(t *testing.T) {
	const trusted = "project-42"
	tests := []struct {
		name  string
		edit  func(c map[string]any)
		cause string // "" for success
	}{
		{name: "defaults", edit: func(map[string]any) {}},
		{name: "aud list of the client", edit: func(c map[string]any) { c["aud"] = []string{clientID} }},
		{name: "azp is the client", edit: func(c map[string]any) { c["azp"] = clientID }},
		{name: "trusted extra audience with azp", edit: func(c map[string]any) { c["aud"], c["azp"] = []string{clientID, trusted}, clientID }},
		{name: "iat within the skew", edit: func(c map[string]any) { c["iat"] = time.Now().Add(30 * time.Second).Unix() }},
		{name: "untrusted extra audience", cause: `audience "other-app"`,
			edit: func(c map[string]any) { c["aud"], c["azp"] = []string{clientID, "other-app"}, clientID }},
		{name: "foreign azp", cause: `azp "other-app"`, edit: func(c map[string]any) { c["azp"] = "other-app" }},
		{name: "empty azp", cause: `azp ""`, edit: func(c map[string]any) { c["azp"] = "" }},
		{name: "several audiences without azp", cause: "no azp", edit: func(c map[string]any) { c["aud"] = []string{clientID, trusted} }},
		{name: "no iat", cause: "iat is missing", edit: func(c map[string]any) { delete(c, "iat") }},
		{name: "iat in the future", cause: "in the future", edit: func(c map[string]any) { c["iat"] = time.Now().Add(10 * time.Minute).Unix() }},
		{name: "iat far beyond int64", cause: "in the future", edit: func(c map[string]any) { c["iat"] = 1e300 }},
	}
	h, p := hostileHarness(t, false, func(c *login.Config) { c.TrustedAudiences = []string{trusted} })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p.Set(oidctest.Behaviour{Claims: tt.edit})
			b := newBrowser(t, h)
			o := b.callback(b.hostileCallback(h))
			if tt.cause == "" {
				expect(t, o, http.StatusOK, "")
				return
			}
			expect(t, o, http.StatusForbidden, login.CodeTokenInvalid)
			if !strings.Contains(o.cause, tt.cause) {
				t.Fatalf("refused because %q, want %q", o.cause, tt.cause)
			}
		})
	}
}

func TestExchangeFailureCauseKeepsTheCodeOut(t *testing.T) {
	h, p := hostileHarness(t, false, nil)
	p.Set(oidctest.Behaviour{TokenError: "invalid_grant"})
	b := newBrowser(t, h)
	cb := b.hostileCallback(h)
	code := queryOf(t, cb).Get("code")
	o := b.callback(cb)
	expect(t, o, http.StatusBadRequest, login.CodeCodeRejected)
	if !strings.Contains(o.cause, `"invalid_grant"`) || !strings.Contains(o.cause, "400") {
		t.Fatalf("cause %q does not name the provider's answer", o.cause)
	}
	if strings.Contains(o.cause, code) {
		t.Fatalf("cause %q holds the code", o.cause)
	}
}

func TestNoRoleSaysWhenTheClaimIsAbsent(t *testing.T) {
	t.Run("groups missing from the ID token", func(t *testing.T) {
		h, p := hostileHarness(t, false, nil)
		p.Set(oidctest.Behaviour{Claims: func(c map[string]any) { delete(c, "groups") }})
		b := newBrowser(t, h)
		o, msg := b.callbackMessage(b.hostileCallback(h))
		expect(t, o, http.StatusForbidden, login.CodeNoRole)
		for _, want := range []string{`no "groups" claim`, "oidc { scopes groups }"} {
			if !strings.Contains(msg, want) || !strings.Contains(o.cause, `no "groups" claim`) {
				t.Fatalf("message %q / cause %q lacks %q", msg, o.cause, want)
			}
		}
	})
	t.Run("roles claim the provider does not send", func(t *testing.T) {
		h := newHarness(t, options{configure: func(c *login.Config) { c.RolesClaim = "roles" }})
		b := newBrowser(t, h)
		o, msg := b.callbackMessage(b.signIn(b.begin(h, ""), "bob"))
		expect(t, o, http.StatusForbidden, login.CodeNoRole)
		if !strings.Contains(msg, `no "roles" claim`) || !strings.Contains(msg, "oidc { scopes roles }") {
			t.Fatalf("message %q", msg)
		}
	})
	t.Run("claim present without a matching group", func(t *testing.T) {
		h := newHarness(t, options{})
		b := newBrowser(t, h)
		o, msg := b.callbackMessage(b.signIn(b.begin(h, ""), "dave"))
		expect(t, o, http.StatusForbidden, login.CodeNoRole)
		if strings.Contains(msg, "claim") || strings.Contains(o.cause, "claim") {
			t.Fatalf("an empty groups claim reads as a missing one: %q / %q", msg, o.cause)
		}
	})
}
