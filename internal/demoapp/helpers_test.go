package demoapp_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/demoapp"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/token"
)

const testAudience = "app.example.test"

// gateway plays Lockbox's part: real signing keys in a real bbolt file,
// the JWKS served over loopback, and tokens minted for sessions.
type gateway struct {
	issuer string
	keys   *token.Keys
	minter *token.Minter
}

func newGateway(t *testing.T) *gateway {
	t.Helper()
	db := testkit.Bolt(t)
	g := &gateway{keys: token.NewKeys(db, nil)}
	srv := httptest.NewServer(http.HandlerFunc(g.serveJWKS))
	t.Cleanup(srv.Close)
	g.issuer = srv.URL + "/_lockbox"
	var err error
	if g.minter, err = token.NewMinter(g.keys, token.MinterConfig{Issuer: g.issuer, Audience: testAudience}, nil); err != nil {
		t.Fatal(err)
	}
	return g
}

func (g *gateway) serveJWKS(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/_lockbox/jwks.json" {
		http.NotFound(w, r)
		return
	}
	b, err := g.keys.JWKS()
	if err != nil {
		http.Error(w, "no keys", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

// sessions numbers test sessions: the minter reuses a session's token.
var sessions atomic.Int64

// session returns a new session of bob in tenant with scopes.
func session(tenant string, scopes ...string) store.Session {
	return store.Session{
		ID: "s_" + strconv.FormatInt(sessions.Add(1), 10), Tenant: tenant, Grant: "g_1",
		Agent:  store.Agent{Subject: "bob", Email: "bob@support.example", Issuer: "http://127.0.0.1:1"},
		Scopes: scopes,
		EndsAt: time.Now().Add(time.Hour),
	}
}

// headers returns the identity headers Lockbox sets for s, with a token.
func (g *gateway) headers(t *testing.T, s store.Session) http.Header {
	t.Helper()
	raw, _, err := g.minter.Token(s)
	if err != nil {
		t.Fatal(err)
	}
	pii := "masked"
	if strings.Contains(strings.Join(s.Scopes, " "), "pii") {
		pii = "visible"
	}
	h := http.Header{}
	h.Set("X-Lockbox-Tenant", s.Tenant)
	h.Set("X-Lockbox-Agent", s.Agent.Email)
	h.Set("X-Lockbox-Agent-Sub", s.Agent.Subject)
	h.Set("X-Lockbox-Scopes", strings.Join(s.Scopes, " "))
	h.Set("X-Lockbox-Session", s.ID)
	h.Set("X-Lockbox-Grant", s.Grant)
	h.Set("X-Lockbox-PII", pii)
	h.Set("X-Lockbox-Token", raw)
	return h
}

// newApp returns the demo app checking tokens of g.
func newApp(t *testing.T, g *gateway) *demoapp.App {
	t.Helper()
	app, err := demoapp.New(demoapp.Config{Issuer: g.issuer, Audience: testAudience})
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// answer is a response of the app.
type answer struct {
	status int
	header http.Header
	body   string
}

// do sends method path with headers h (and form, for POST) to app.
func do(t *testing.T, app http.Handler, method, path string, h http.Header, form url.Values) answer {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, path, body)
	for name, values := range h {
		r.Header[name] = values
	}
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	w := httptest.NewRecorder()
	app.ServeHTTP(w, r)
	return answer{status: w.Code, header: w.Header(), body: w.Body.String()}
}

// wantBody fails unless body holds every one of want and none of absent.
func wantBody(t *testing.T, body string, want, absent []string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(body, s) {
			t.Errorf("page lacks %q", s)
		}
	}
	for _, s := range absent {
		if strings.Contains(body, s) {
			t.Errorf("page holds %q", s)
		}
	}
	if t.Failed() {
		t.Logf("page:\n%s", body)
	}
}
