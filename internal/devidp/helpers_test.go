package devidp_test

import (
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/lockbox-gw/lockbox/internal/devidp"
)

const (
	testClientID     = "lockbox"
	testClientSecret = "dev-client-secret"
)

// relyingParty is a go-oidc client of a provider under test, with a
// browser (cookie jar, following redirects) and a callback endpoint.
type relyingParty struct {
	issuer   string
	redirect string // registered redirect URI, served by callback
	provider *oidc.Provider
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	browser  *http.Client
}

// rpOptions vary the provider a relying party talks to.
type rpOptions struct {
	secret     string           // client secret; empty for a public client
	issuerPath string           // path under the listener, such as "/idp"
	now        func() time.Time // provider clock
	users      []devidp.User
}

// newRelyingParty starts a provider on 127.0.0.1 port 0 and a relying
// party registered with it.
func newRelyingParty(t *testing.T, o rpOptions) *relyingParty {
	t.Helper()
	callback := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "callback reached")
	}))
	t.Cleanup(callback.Close)
	redirect := callback.URL + "/callback"
	cfg := devidp.Config{
		Clients: []devidp.Client{{ID: testClientID, Secret: o.secret, RedirectURIs: []string{redirect}}},
		Users:   o.users,
		Now:     o.now,
		Logger:  slog.New(slog.DiscardHandler),
	}
	issuer := startProvider(t, cfg, o.issuerPath)
	provider, err := oidc.NewProvider(t.Context(), issuer)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &relyingParty{
		issuer:   issuer,
		redirect: redirect,
		provider: provider,
		oauth: oauth2.Config{
			ClientID:     testClientID,
			ClientSecret: o.secret,
			Endpoint:     provider.Endpoint(),
			RedirectURL:  redirect,
			Scopes:       []string{oidc.ScopeOpenID, "profile", "email", "groups"},
		},
		verifier: provider.Verifier(&oidc.Config{ClientID: testClientID}),
		browser:  &http.Client{Jar: jar, Timeout: 10 * time.Second},
	}
}

// startProvider serves a provider for cfg on a loopback port, under path
// when it is not empty, and returns its issuer.
func startProvider(t *testing.T, cfg devidp.Config, path string) string {
	t.Helper()
	if path == "" {
		srv, err := devidp.Start("127.0.0.1:0", cfg)
		if err != nil {
			t.Fatalf("Start: %v", err)
		}
		t.Cleanup(func() { _ = srv.Close() })
		return srv.Issuer()
	}
	ts := httptest.NewUnstartedServer(nil)
	cfg.Issuer = "http://" + ts.Listener.Addr().String() + path
	p, err := devidp.New(cfg)
	if err != nil {
		ts.Close()
		t.Fatalf("New: %v", err)
	}
	ts.Config.Handler = p.Handler()
	ts.Start()
	t.Cleanup(ts.Close)
	return p.Issuer()
}

// login is one authorization request in progress.
type login struct {
	state, nonce, verifier string
	page                   *url.URL // the login page's URL
	body                   string   // the login page
	requestID              string   // the hidden auth request id
}

// begin sends the browser to the authorization endpoint with state, nonce
// and a PKCE S256 challenge, and returns the login page it lands on.
func (rp *relyingParty) begin(t *testing.T) *login {
	t.Helper()
	l := &login{state: rand.Text(), nonce: rand.Text(), verifier: oauth2.GenerateVerifier()}
	authURL := rp.oauth.AuthCodeURL(l.state, oidc.Nonce(l.nonce), oauth2.S256ChallengeOption(l.verifier))
	status, body, final := rp.get(t, authURL)
	if status != http.StatusOK {
		t.Fatalf("login page: status %d, body:\n%s", status, body)
	}
	l.page, l.body = final, body
	l.requestID = hiddenID(t, body)
	return l
}

// submit posts the login form with fields plus the hidden id and returns
// the final status, body and URL after redirects.
func (rp *relyingParty) submit(t *testing.T, l *login, fields url.Values) (int, string, *url.URL) {
	t.Helper()
	action := formAction(t, l.body)
	target := l.page.ResolveReference(&url.URL{Path: action})
	form := url.Values{"id": {l.requestID}}
	for k, v := range fields {
		form[k] = v
	}
	resp, err := rp.browser.PostForm(target.String(), form)
	if err != nil {
		t.Fatalf("posting login form: %v", err)
	}
	return readAll(t, resp)
}

// signIn submits fields and returns the code the provider sent back to
// the callback, after checking the state.
func (rp *relyingParty) signIn(t *testing.T, l *login, fields url.Values) string {
	t.Helper()
	status, body, final := rp.submit(t, l, fields)
	if status != http.StatusOK || !strings.HasPrefix(final.String(), rp.redirect) {
		t.Fatalf("sign-in ended at %s with status %d, body:\n%s", final, status, body)
	}
	q := final.Query()
	if got := q.Get("state"); got != l.state {
		t.Fatalf("state = %q, want %q", got, l.state)
	}
	code := q.Get("code")
	if code == "" {
		t.Fatalf("no code in callback %s", final)
	}
	return code
}

// get fetches u with the browser and returns status, body and final URL.
func (rp *relyingParty) get(t *testing.T, u string) (int, string, *url.URL) {
	t.Helper()
	resp, err := rp.browser.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return readAll(t, resp)
}

func readAll(t *testing.T, resp *http.Response) (int, string, *url.URL) {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return resp.StatusCode, string(b), resp.Request.URL
}

var (
	hiddenIDPattern = regexp.MustCompile(`<input type="hidden" name="id" value="([^"]+)">`)
	actionPattern   = regexp.MustCompile(`<form method="post" action="([^"]+)">`)
)

func hiddenID(t *testing.T, body string) string {
	t.Helper()
	m := hiddenIDPattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no auth request id in login page:\n%s", body)
	}
	return m[1]
}

func formAction(t *testing.T, body string) string {
	t.Helper()
	m := actionPattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no login form in page:\n%s", body)
	}
	return m[1]
}

// idClaims are the ID token and userinfo claims Lockbox reads.
type idClaims struct {
	Subject           string   `json:"sub"`
	Email             string   `json:"email"`
	EmailVerified     bool     `json:"email_verified"`
	Name              string   `json:"name"`
	PreferredUsername string   `json:"preferred_username"`
	Groups            []string `json:"groups"`
}

// exchange redeems code with the PKCE verifier, verifies the ID token
// (issuer, audience, signature, expiry) and checks the nonce.
func (rp *relyingParty) exchange(t *testing.T, l *login, code string) (*oauth2.Token, idClaims) {
	t.Helper()
	tok, err := rp.oauth.Exchange(t.Context(), code, oauth2.VerifierOption(l.verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		t.Fatal("token response has no id_token")
	}
	idToken, err := rp.verifier.Verify(t.Context(), raw)
	if err != nil {
		t.Fatalf("verifying ID token: %v", err)
	}
	if idToken.Nonce != l.nonce {
		t.Fatalf("nonce = %q, want %q", idToken.Nonce, l.nonce)
	}
	var c idClaims
	if err := idToken.Claims(&c); err != nil {
		t.Fatalf("decoding claims: %v", err)
	}
	return tok, c
}
