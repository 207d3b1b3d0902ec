package caddymodule

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2/caddytest"
)

// liveSite is a site behind the lockbox handler in caddytest's Caddy, in
// front of an upstream that records what reaches it.
type liveSite struct {
	base string // http://127.0.0.1:<port>

	mu   sync.Mutex
	seen []http.Header // request headers the upstream received
}

// startLiveSite runs a Caddyfile with the global lockbox block (bolt in a
// temporary directory) and a site with the lockbox directive proxying to
// an upstream.
func startLiveSite(t *testing.T) *liveSite {
	t.Helper()
	s := &liveSite{}
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.seen = append(s.seen, r.Header.Clone())
		s.mu.Unlock()
		_, _ = io.WriteString(w, "app")
	}))
	t.Cleanup(upstream.Close)
	s.base = fmt.Sprintf("http://127.0.0.1:%d", loopbackPort(t))
	cfg := fmt.Sprintf(`{
	admin localhost:%d
	default_bind 127.0.0.1
	lockbox {
		storage bolt %s
	}
}

%s {
	lockbox {
		oidc http://127.0.0.1:9/idp {
			client_id lockbox
		}
		role support groups support scopes read
	}
	reverse_proxy %s
}
`, caddytest.Default.AdminPort, filepath.Join(t.TempDir(), "lockbox.db"), s.base, strings.TrimPrefix(upstream.URL, "http://"))
	startCaddy(t, cfg)
	return s
}

// loopbackPort returns a loopback port that was free a moment ago.
func loopbackPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// siteClient follows no redirects and opens a connection per request, so
// nothing outlives the config a test loaded.
var siteClient = &http.Client{
	Timeout:       10 * time.Second,
	Transport:     &http.Transport{DisableKeepAlives: true},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// get sends a GET with extra headers (names sent exactly as given) and
// returns the response with its body read.
func (s *liveSite) get(t *testing.T, path string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = []string{v}
	}
	resp, err := siteClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// getJSON GETs path, expects 200 with JSON and decodes it into v.
func (s *liveSite) getJSON(t *testing.T, path string, v any) {
	t.Helper()
	resp, body := s.get(t, path, nil)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET %s = %d %s %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("GET %s: %v in %s", path, err, body)
	}
}

// jwksKIDs returns the kids of the site's JWKS, current first.
func (s *liveSite) jwksKIDs(t *testing.T) []string {
	t.Helper()
	var set struct {
		Keys []struct {
			KID string `json:"kid"`
			KTY string `json:"kty"`
			Alg string `json:"alg"`
		} `json:"keys"`
	}
	s.getJSON(t, "/_lockbox/jwks.json", &set)
	var kids []string
	for _, k := range set.Keys {
		if k.KID == "" || k.KTY != "EC" {
			t.Fatalf("JWKS key %+v", k)
		}
		kids = append(kids, k.KID)
	}
	return kids
}

func TestLiveOrdinaryTrafficWithoutSpoofedHeaders(t *testing.T) {
	s := startLiveSite(t)
	spoofed := map[string]string{
		"X-Lockbox-Tenant": "acme",
		"x_lockbox_agent":  "mallory@evil.test",
		"X-LOCKBOX-SCOPES": "read write pii",
		"X.Lockbox.Token":  "forged",
		"Connection":       "X-Lockbox-Grant",
		"X-Ordinary":       "yes",
	}
	resp, body := s.get(t, "/orders?id=1", spoofed)
	if resp.StatusCode != http.StatusOK || body != "app" {
		t.Fatalf("GET /orders = %d %q; want the app's answer", resp.StatusCode, body)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.seen) != 1 {
		t.Fatalf("upstream saw %d requests; want 1", len(s.seen))
	}
	if s.seen[0].Get("X-Ordinary") != "yes" {
		t.Errorf("an ordinary header did not reach the upstream: %v", s.seen[0])
	}
	for name := range s.seen[0] {
		folded := strings.NewReplacer("_", "-", ".", "-").Replace(strings.ToLower(name))
		if strings.HasPrefix(folded, "x-lockbox-") {
			t.Errorf("spoofed header %s reached the upstream", name)
		}
	}
}

func TestLiveKeysAndDiscovery(t *testing.T) {
	s := startLiveSite(t)
	kids := s.jwksKIDs(t)
	if len(kids) != 1 {
		t.Fatalf("JWKS kids %v; want one key", kids)
	}

	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	s.getJSON(t, "/_lockbox/.well-known/openid-configuration", &doc)
	if want := s.base + "/_lockbox"; doc.Issuer != want || doc.JWKSURI != want+"/jwks.json" {
		t.Fatalf("discovery = %+v; want issuer %s", doc, want)
	}

	// Rotating through the admin API changes what the site publishes.
	var rot struct {
		KID             string `json:"kid"`
		PreviousKeptFor string `json:"previous_kept_for"`
	}
	decode(t, http.MethodPost, "/lockbox/keys/rotate", "", http.StatusOK, &rot)
	if rot.KID == kids[0] || rot.PreviousKeptFor != "6m0s" {
		t.Fatalf("rotation = %+v; old kid %s", rot, kids[0])
	}
	if got := s.jwksKIDs(t); len(got) != 2 || got[0] != rot.KID || got[1] != kids[0] {
		t.Fatalf("JWKS kids after rotating %v; want %s then %s", got, rot.KID, kids[0])
	}
}

func TestLiveConsoleAsksToLogIn(t *testing.T) {
	s := startLiveSite(t)
	resp, _ := s.get(t, "/_lockbox/", nil)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/_lockbox/login?") {
		t.Fatalf("GET /_lockbox/ = %d, Location %q; want a redirect to the login", resp.StatusCode, loc)
	}
	if !strings.Contains(loc, "return_to=%2F_lockbox%2F") {
		t.Errorf("Location %q does not return to the console", loc)
	}
}

func TestLiveSessionsListing(t *testing.T) {
	startLiveSite(t)
	var list struct {
		Sessions []json.RawMessage `json:"sessions"`
	}
	decode(t, http.MethodGet, "/lockbox/tenants/acme/sessions", "", http.StatusOK, &list)
	if list.Sessions == nil || len(list.Sessions) != 0 {
		t.Fatalf("sessions = %v; want an empty list", list.Sessions)
	}
}
