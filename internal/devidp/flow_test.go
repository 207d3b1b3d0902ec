package devidp_test

import (
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"

	"golang.org/x/oauth2"
)

func TestCodeFlowWithGoOIDC(t *testing.T) {
	tests := []struct {
		name       string
		opts       rpOptions
		credential url.Values
	}{
		{
			name:       "confidential client, typed password",
			opts:       rpOptions{secret: testClientSecret},
			credential: url.Values{"username": {"bob"}, "password": {"bob"}},
		},
		{
			name:       "confidential client, user button",
			opts:       rpOptions{secret: testClientSecret},
			credential: url.Values{"user": {"bob"}},
		},
		{
			name:       "public client",
			opts:       rpOptions{},
			credential: url.Values{"user": {"bob"}},
		},
		{
			name:       "issuer with a path",
			opts:       rpOptions{secret: testClientSecret, issuerPath: "/idp"},
			credential: url.Values{"user": {"bob"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rp := newRelyingParty(t, tt.opts)
			l := rp.begin(t)
			code := rp.signIn(t, l, tt.credential)
			tok, claims := rp.exchange(t, l, code)

			want := idClaims{
				Subject:           "bob",
				Email:             "bob@support.example",
				EmailVerified:     true,
				Name:              "Bob Operator",
				PreferredUsername: "bob",
				Groups:            []string{"customer-ops"},
			}
			assertClaims(t, "ID token", claims, want)

			info, err := rp.provider.UserInfo(t.Context(), oauth2.StaticTokenSource(tok))
			if err != nil {
				t.Fatalf("userinfo: %v", err)
			}
			var fromUserinfo idClaims
			if err := info.Claims(&fromUserinfo); err != nil {
				t.Fatalf("decoding userinfo: %v", err)
			}
			assertClaims(t, "userinfo", fromUserinfo, want)
		})
	}
}

func TestDefaultUsersClaims(t *testing.T) {
	rp := newRelyingParty(t, rpOptions{secret: testClientSecret})
	tests := []struct {
		user   string
		label  string
		name   string
		groups []string
	}{
		{user: "alice", label: "Sign in as alice (support)", name: "Alice Agent", groups: []string{"support"}},
		{user: "bob", label: "Sign in as bob (customer-ops)", name: "Bob Operator", groups: []string{"customer-ops"}},
		{user: "carol", label: "Sign in as carol (sec-oncall)", name: "Carol Oncall", groups: []string{"sec-oncall"}},
		{user: "dave", label: "Sign in as dave (no groups)", name: "Dave Nobody", groups: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			l := rp.begin(t)
			if !strings.Contains(l.body, tt.label) {
				t.Fatalf("login page lacks %q:\n%s", tt.label, l.body)
			}
			_, claims := rp.exchange(t, l, rp.signIn(t, l, url.Values{"user": {tt.user}}))
			assertClaims(t, "ID token", claims, idClaims{
				Subject:           tt.user,
				Email:             tt.user + "@support.example",
				EmailVerified:     true,
				Name:              tt.name,
				PreferredUsername: tt.user,
				Groups:            tt.groups,
			})
		})
	}
}

func TestGroupsClaimPresentWhenEmpty(t *testing.T) {
	rp := newRelyingParty(t, rpOptions{secret: testClientSecret})
	l := rp.begin(t)
	tok, err := rp.oauth.Exchange(t.Context(), rp.signIn(t, l, url.Values{"user": {"dave"}}), oauth2.VerifierOption(l.verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	idToken, err := rp.verifier.Verify(t.Context(), tok.Extra("id_token").(string))
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	var raw map[string]any
	if err := idToken.Claims(&raw); err != nil {
		t.Fatal(err)
	}
	groups, ok := raw["groups"].([]any)
	if !ok || len(groups) != 0 {
		t.Fatalf("groups = %#v, want an empty list", raw["groups"])
	}
}

func TestExchangeRefusals(t *testing.T) {
	tests := []struct {
		name string
		// attempt returns the code and verifier of the exchange under test,
		// after whatever it does with the issued code first.
		attempt func(t *testing.T, rp *relyingParty, l *login, code string) (string, string)
	}{
		{
			name: "wrong PKCE verifier",
			attempt: func(_ *testing.T, _ *relyingParty, _ *login, code string) (string, string) {
				return code, oauth2.GenerateVerifier()
			},
		},
		{
			name: "reused code",
			attempt: func(t *testing.T, rp *relyingParty, l *login, code string) (string, string) {
				rp.exchange(t, l, code)
				return code, l.verifier
			},
		},
		{
			name: "unknown code",
			attempt: func(_ *testing.T, _ *relyingParty, l *login, _ string) (string, string) {
				return "not-a-code", l.verifier
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rp := newRelyingParty(t, rpOptions{secret: testClientSecret})
			l := rp.begin(t)
			code, verifier := tt.attempt(t, rp, l, rp.signIn(t, l, url.Values{"user": {"alice"}}))
			_, err := rp.oauth.Exchange(t.Context(), code, oauth2.VerifierOption(verifier))
			assertInvalidGrant(t, err)
		})
	}
}

func TestConcurrentExchangesOfOneCode(t *testing.T) {
	rp := newRelyingParty(t, rpOptions{secret: testClientSecret})
	l := rp.begin(t)
	code := rp.signIn(t, l, url.Values{"user": {"carol"}})

	const attempts = 8
	errs := make(chan error, attempts)
	var wg sync.WaitGroup
	for range attempts {
		wg.Go(func() {
			_, err := rp.oauth.Exchange(t.Context(), code, oauth2.VerifierOption(l.verifier))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	succeeded := 0
	for err := range errs {
		if err == nil {
			succeeded++
		}
	}
	if succeeded != 1 {
		t.Fatalf("%d of %d concurrent exchanges succeeded, want exactly 1", succeeded, attempts)
	}
}

func TestWrongClientSecretRefused(t *testing.T) {
	rp := newRelyingParty(t, rpOptions{secret: testClientSecret})
	l := rp.begin(t)
	code := rp.signIn(t, l, url.Values{"user": {"alice"}})
	rp.oauth.ClientSecret = "not-the-secret"
	_, err := rp.oauth.Exchange(t.Context(), code, oauth2.VerifierOption(l.verifier))
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_client" {
		t.Fatalf("exchange error = %v, want invalid_client", err)
	}
}

func TestAuthorizeRefusals(t *testing.T) {
	tests := []struct {
		name   string
		modify func(rp *relyingParty) string // returns the authorization URL
	}{
		{
			name: "unknown redirect_uri",
			modify: func(rp *relyingParty) string {
				rp.oauth.RedirectURL = rp.redirect + "/elsewhere"
				return rp.oauth.AuthCodeURL("state", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
			},
		},
		{
			name: "unknown client",
			modify: func(rp *relyingParty) string {
				rp.oauth.ClientID = "intruder"
				return rp.oauth.AuthCodeURL("state", oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rp := newRelyingParty(t, rpOptions{secret: testClientSecret})
			authURL := tt.modify(rp)
			status, body, final := rp.get(t, authURL)
			if status != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400; body:\n%s", status, body)
			}
			if !strings.HasPrefix(final.String(), rp.issuer) {
				t.Fatalf("browser was sent to %s, want to stay at the provider", final)
			}
		})
	}
}

func TestAuthorizeErrorsReturnToClient(t *testing.T) {
	challenge := oauth2.S256ChallengeOption(oauth2.GenerateVerifier())
	tests := []struct {
		name string
		opts []oauth2.AuthCodeOption
		want string
	}{
		{name: "no PKCE challenge", want: "invalid_request"},
		{name: "plain PKCE method", want: "invalid_request", opts: []oauth2.AuthCodeOption{
			oauth2.SetAuthURLParam("code_challenge", oauth2.GenerateVerifier()),
			oauth2.SetAuthURLParam("code_challenge_method", "plain"),
		}},
		{name: "prompt none", want: "login_required", opts: []oauth2.AuthCodeOption{
			challenge, oauth2.SetAuthURLParam("prompt", "none"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rp := newRelyingParty(t, rpOptions{secret: testClientSecret})
			status, body, final := rp.get(t, rp.oauth.AuthCodeURL("st", tt.opts...))
			if status != http.StatusOK || !strings.HasPrefix(final.String(), rp.redirect) {
				t.Fatalf("ended at %s with %d, want the callback; body:\n%s", final, status, body)
			}
			q := final.Query()
			if q.Get("error") != tt.want || q.Get("state") != "st" || q.Get("code") != "" {
				t.Fatalf("callback query = %v, want error=%s with state and no code", q, tt.want)
			}
		})
	}
}

func assertClaims(t *testing.T, where string, got, want idClaims) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s claims = %#v, want %#v", where, got, want)
	}
}

func assertInvalidGrant(t *testing.T, err error) {
	t.Helper()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Fatalf("exchange error = %v, want an oauth2 error response", err)
	}
	if re.ErrorCode != "invalid_grant" {
		t.Fatalf("error code = %q (%s), want invalid_grant", re.ErrorCode, re.ErrorDescription)
	}
}
