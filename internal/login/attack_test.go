package login_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/lockbox-gw/lockbox/internal/devidp"
	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// withState returns callback URL u with its state replaced.
func withState(t *testing.T, u, state string) string {
	t.Helper()
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	q := parsed.Query()
	q.Set("state", state)
	parsed.RawQuery = q.Encode()
	return parsed.String()
}

func TestCallbackRefusesForgedState(t *testing.T) {
	h := newHarness(t, options{})
	b := newBrowser(t, h)
	cb := b.signIn(b.begin(h, ""), "bob")
	for _, state := range []string{"", "forged", strings.Repeat("x", 10000)} {
		expect(t, b.callback(withState(t, cb, state)), http.StatusBadRequest, login.CodeStateInvalid)
	}
	// Well formed but never issued: refused as a replay is.
	expect(t, b.callback(withState(t, cb, strings.Repeat("A", 43))), http.StatusForbidden, login.CodeStateInvalid)
}

func TestCallbackStateIsSingleUse(t *testing.T) {
	h := newHarness(t, options{})
	b := newBrowser(t, h)
	p := b.begin(h, "")
	binding := b.cookie(h, "lockbox-login")
	cb := b.signIn(p, "bob")
	expect(t, b.callback(cb), http.StatusOK, "")
	// Even with the binding cookie put back, the state is spent: a replay
	// is forbidden (403), not a malformed request.
	b.setCookie(h, "lockbox-login", binding)
	expect(t, b.callback(cb), http.StatusForbidden, login.CodeStateInvalid)
}

func TestCallbackRefusesAnotherBrowser(t *testing.T) {
	h := newHarness(t, options{})
	tests := []struct {
		name    string
		binding string // the other browser's binding cookie; "" for none
	}{
		{name: "no binding cookie"},
		{name: "another binding cookie", binding: strings.Repeat("Q", 43)},
		{name: "garbage binding cookie", binding: "not-a-token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			victim := newBrowser(t, h)
			cb := victim.signIn(victim.begin(h, ""), "bob")
			other := newBrowser(t, h)
			if tt.binding != "" {
				other.setCookie(h, "lockbox-login", tt.binding)
			}
			expect(t, other.callback(cb), http.StatusForbidden, login.CodeBrowserMismatch)
			if other.cookie(h, login.SessionCookiePlain) != "" {
				t.Fatal("a session was created")
			}
			// The state was spent on the refused attempt.
			expect(t, victim.callback(cb), http.StatusForbidden, login.CodeStateInvalid)
		})
	}
}

// tamperLogin rewrites field of the stored login record of state.
func tamperLogin(t *testing.T, h *harness, state, field string, value any) {
	t.Helper()
	id := hashHex(state)
	raw, err := h.store.GetRecord(t.Context(), "login", id)
	if err != nil {
		t.Fatalf("login record: %v", err)
	}
	var rec map[string]any
	if err := json.Unmarshal(raw, &rec); err != nil {
		t.Fatal(err)
	}
	if _, ok := rec[field]; !ok {
		t.Fatalf("login record has no %q: %s", field, raw)
	}
	rec[field] = value
	raw, _ = json.Marshal(rec)
	if err := h.store.PutRecord(t.Context(), "login", id, raw, time.Minute); err != nil {
		t.Fatal(err)
	}
}

func TestCallbackChecksNonce(t *testing.T) {
	h := newHarness(t, options{})
	for _, nonce := range []string{"", strings.Repeat("n", 43)} {
		b := newBrowser(t, h)
		p := b.begin(h, "")
		tamperLogin(t, h, p.state(), "nonce", nonce)
		expect(t, b.callback(b.signIn(p, "bob")), http.StatusForbidden, login.CodeNonceMismatch)
	}
}

func TestCallbackRefusesExpiredLogin(t *testing.T) {
	h := newHarness(t, options{})
	b := newBrowser(t, h)
	p := b.begin(h, "")
	tamperLogin(t, h, p.state(), "created", time.Now().Add(-11*time.Minute))
	expect(t, b.callback(b.signIn(p, "bob")), http.StatusForbidden, login.CodeStateInvalid)
}

func TestCallbackRefusesReusedCode(t *testing.T) {
	h := newHarness(t, options{})
	b := newBrowser(t, h)
	first := b.signIn(b.begin(h, ""), "bob")
	expect(t, b.callback(first), http.StatusOK, "")
	second := b.begin(h, "")
	expect(t, b.callback(withState(t, first, second.state())), http.StatusBadRequest, login.CodeCodeRejected)
}

func TestCallbackRefusesCodeOfAnotherLogin(t *testing.T) {
	h := newHarness(t, options{})
	attacker := newBrowser(t, h)
	stolen := attacker.signIn(attacker.begin(h, ""), "dave")
	victim := newBrowser(t, h)
	p := victim.begin(h, "")
	// The code was never redeemed, but it was issued for another PKCE
	// challenge.
	expect(t, victim.callback(withState(t, stolen, p.state())), http.StatusBadRequest, login.CodeCodeRejected)
}

func TestCallbackReportsProviderError(t *testing.T) {
	h := newHarness(t, options{})
	for _, code := range []string{"access_denied", "temporarily_unavailable", "<script>"} {
		b := newBrowser(t, h)
		p := b.begin(h, "")
		u := h.callbackURL() + "?" + url.Values{"error": {code}, "error_description": {"no\r\nway"}, "state": {p.state()}}.Encode()
		expect(t, b.callback(u), http.StatusForbidden, login.CodeIdPRefused)
	}
}

func TestCallbackWithoutCode(t *testing.T) {
	h := newHarness(t, options{})
	b := newBrowser(t, h)
	p := b.begin(h, "")
	expect(t, b.callback(h.callbackURL()+"?state="+p.state()), http.StatusBadRequest, login.CodeBadRequest)
}

// idToken runs a login at idp for client (whose redirect URI is
// redirect) with nonce, and returns the ID token the provider issues.
func idToken(t *testing.T, idp *devidp.Server, client, redirect, nonce string) string {
	t.Helper()
	provider, err := oidc.NewProvider(t.Context(), idp.Issuer())
	if err != nil {
		t.Fatal(err)
	}
	cfg := oauth2.Config{
		ClientID: client, ClientSecret: clientSecret, RedirectURL: redirect,
		Endpoint: provider.Endpoint(), Scopes: []string{oidc.ScopeOpenID},
	}
	verifier := oauth2.GenerateVerifier()
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}
	if nonce != "" {
		opts = append(opts, oidc.Nonce(nonce))
	}
	b := newBrowser(t, nil)
	cb, err := url.Parse(b.signIn(b.openLoginPage(cfg.AuthCodeURL("test-state", opts...)), "bob"))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cfg.Exchange(t.Context(), cb.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	return raw
}

func TestCallbackVerifiesIDToken(t *testing.T) {
	const otherRedirect = "http://127.0.0.1:1/other/callback"
	h := newHarness(t, options{extraClients: []devidp.Client{
		{ID: "other", Secret: clientSecret, RedirectURIs: []string{otherRedirect}},
	}})
	second := startIdP(t, "127.0.0.1:0", h.idpConfig(nil))
	tests := []struct {
		name  string
		token func(nonce string) string
		code  string
		cause string // what the refusal's cause mentions
	}{
		{"another audience", func(n string) string { return idToken(t, h.idp, "other", otherRedirect, n) }, login.CodeTokenInvalid, "audience"},
		{"another issuer", func(n string) string { return idToken(t, second, clientID, h.callbackURL(), n) }, login.CodeTokenInvalid, "signature"},
		{"no nonce", func(string) string { return idToken(t, h.idp, clientID, h.callbackURL(), "") }, login.CodeNonceMismatch, ""},
		{"alg none", func(string) string { return "eyJhbGciOiJub25lIn0.e30." }, login.CodeTokenInvalid, "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBrowser(t, h)
			p := b.begin(h, "")
			cb := b.signIn(p, "bob")
			// A token with the very nonce of this login, so only what the
			// row names differs.
			tok := tt.token(p.nonce())
			h.swapIDToken.Store(&tok)
			defer h.swapIDToken.Store(nil)
			o := b.callback(cb)
			expect(t, o, http.StatusForbidden, tt.code)
			if !strings.Contains(o.cause, tt.cause) {
				t.Fatalf("refused because %q, want a cause mentioning %q", o.cause, tt.cause)
			}
		})
	}
}

func TestCallbackRefusesExpiredIDToken(t *testing.T) {
	later := func() time.Time { return time.Now().Add(3 * time.Hour) }
	h := newHarness(t, options{now: later})
	b := newBrowser(t, h)
	o := b.login(h, "bob")
	expect(t, o, http.StatusForbidden, login.CodeTokenInvalid)
	if !strings.Contains(o.cause, "expired") {
		t.Fatalf("refused because %q, want expiry", o.cause)
	}
}

func TestLoginAcrossInstances(t *testing.T) {
	redis := redistest.Start(t)
	h := newHarness(t, options{store: testkit.Redis(t, redis.URL())})
	peer, err := login.New(login.Config{
		Issuer: h.idp.Issuer(), ClientID: clientID, ClientSecret: clientSecret, Roles: testRoles,
	}, testkit.Redis(t, redis.URL()))
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, h)
	cb := b.signIn(b.begin(h, ""), "bob")
	// The callback reaches the other instance.
	req := httptest.NewRequest(http.MethodGet, cb, nil)
	rp, _ := url.Parse(h.rp.URL)
	for _, c := range b.jar.Cookies(rp) {
		req.AddCookie(c)
	}
	w := httptest.NewRecorder()
	res, err := peer.Finish(t.Context(), w, req, h.callbackURL())
	if err != nil || res.Agent.Subject != "bob" {
		t.Fatalf("Finish on the peer = %+v, %v", res.Identity, err)
	}
	// The state is spent for the first instance too.
	expect(t, b.callback(cb), http.StatusForbidden, login.CodeStateInvalid)
	// And the session made by the peer is known to the first instance.
	next := httptest.NewRequest(http.MethodGet, h.rp.URL+"/_lockbox/", nil)
	for _, c := range w.Result().Cookies() {
		if c.MaxAge >= 0 {
			next.AddCookie(c)
		}
	}
	if sess, err := h.svc.Sessions().Get(t.Context(), next); err != nil || sess.Agent.Subject != "bob" {
		t.Fatalf("the peer's session is unknown here: %v", err)
	}
}
