package adminlink_test

import (
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// sessEnv is admin sessions over a real bolt store.
type sessEnv struct {
	t     *testing.T
	clock *testkit.Clock
	store store.Store
	links *adminlink.Links
	ss    *adminlink.Sessions
}

func newSessEnv(t *testing.T) *sessEnv {
	c := testkit.NowClock()
	st := testkit.Bolt(t)
	l := adminlink.NewLinks(st, c.Now)
	return &sessEnv{t: t, clock: c, store: st, links: l, ss: adminlink.NewSessions(st, l, 0, c.Now)}
}

// linkRequest is the POST of a link's Continue button on host (plain
// HTTP unless tls), with extra query text in the form's action.
func (e *sessEnv) linkRequest(host string, tlsOn bool, token, extra string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "http://"+host+"/_lockbox/admin/open?x=1"+extra, strings.NewReader(url.Values{"token": {token}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if tlsOn {
		r.TLS = &tls.ConnectionState{}
	}
	return r
}

// open opens a fresh link on loopback and returns the session cookie.
func (e *sessEnv) open() (*adminlink.Session, *http.Cookie) {
	e.t.Helper()
	raw, _ := sign(e.t, e.links, claims(e.clock))
	w := httptest.NewRecorder()
	_, s, err := e.ss.Open(ctx(e.t), w, e.linkRequest("127.0.0.1:8080", false, raw, ""))
	if err != nil {
		e.t.Fatal(err)
	}
	return s, onlyCookie(e.t, w)
}

func onlyCookie(t *testing.T, w *httptest.ResponseRecorder) *http.Cookie {
	t.Helper()
	cs := w.Result().Cookies()
	if len(cs) != 1 {
		t.Fatalf("cookies set: %v", cs)
	}
	return cs[0]
}

// pageRequest is a later request of the page carrying cookie.
func pageRequest(c *http.Cookie) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8080/_lockbox/admin", nil)
	if c != nil {
		r.AddCookie(c)
	}
	return r
}

func TestOpenStartsASession(t *testing.T) {
	e := newSessEnv(t)
	raw, signed := sign(t, e.links, claims(e.clock))
	w := httptest.NewRecorder()
	to, s, err := e.ss.Open(ctx(t), w, e.linkRequest("127.0.0.1:8080", false, raw, "&tab=audit"))
	if err != nil {
		t.Fatal(err)
	}
	if to != "/_lockbox/admin/open?tab=audit&x=1" {
		t.Fatalf("redirect to %q, want the page without the token", to)
	}
	if s.Tenant != "acme" || s.AdminID != "u_1" || s.Role != "owner" || s.LinkID != signed.ID || len(s.CSRF) != 43 {
		t.Fatalf("session %+v", s)
	}
	if !s.ExpiresAt.Equal(e.clock.Now().Add(adminlink.DefaultSessionTTL)) {
		t.Fatalf("session ends %v", s.ExpiresAt)
	}
	h := w.Header()
	if h.Get("Cache-Control") != "no-store" || h.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("headers %v", h)
	}
	c := onlyCookie(t, w)
	if c.Name != adminlink.CookiePlain || !c.HttpOnly || c.Secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.MaxAge != int((12*time.Hour).Seconds()) {
		t.Fatalf("cookie %+v", c)
	}
	got, err := e.ss.Get(ctx(t), pageRequest(c))
	if err != nil || got.ID != s.ID || got.CSRF != s.CSRF {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	if !got.CSRFValid(s.CSRF) || got.CSRFValid("") || got.CSRFValid(s.CSRF[:42]+"x") || (*adminlink.Session)(nil).CSRFValid(s.CSRF) {
		t.Fatal("CSRFValid accepts the wrong token")
	}
	if got.For("acme") != nil || !errors.Is(got.For("globex"), adminlink.ErrWrongTenant) {
		t.Fatal("a session of acme is accepted for globex")
	}
}

func TestOpenOverHTTPS(t *testing.T) {
	e := newSessEnv(t)
	raw, _ := sign(t, e.links, claims(e.clock))
	w := httptest.NewRecorder()
	if _, _, err := e.ss.Open(ctx(t), w, e.linkRequest("support.example.com", true, raw, "")); err != nil {
		t.Fatal(err)
	}
	if c := onlyCookie(t, w); c.Name != adminlink.CookieHost || !c.Secure || !c.HttpOnly || c.Path != "/" || c.Domain != "" {
		t.Fatalf("cookie %+v", c)
	}
}

func TestOpenRefuses(t *testing.T) {
	e := newSessEnv(t)
	good, _ := sign(t, e.links, claims(e.clock))
	short := claims(e.clock)
	short.ExpiresAt = e.clock.Now().Add(time.Minute)
	expiring, _ := sign(t, e.links, short)
	e.clock.Add(2 * time.Minute)
	tests := []struct {
		name string
		r    *http.Request
		want error
	}{
		{"no token", httptest.NewRequest(http.MethodPost, "http://127.0.0.1/_lockbox/admin/open", nil), adminlink.ErrInvalid},
		{"token in the query of a GET", httptest.NewRequest(http.MethodGet, "http://127.0.0.1/_lockbox/admin?token="+good, nil), adminlink.ErrInvalid},
		{"token in the query of a POST", httptest.NewRequest(http.MethodPost, "http://127.0.0.1/_lockbox/admin?token="+good, nil), adminlink.ErrInvalid},
		{"two tokens", twoTokens(e.linkRequest("127.0.0.1", false, good, ""), good), adminlink.ErrInvalid},
		{"tampered", e.linkRequest("127.0.0.1", false, good[:len(good)-2]+"xx", ""), adminlink.ErrInvalid},
		{"expired", e.linkRequest("127.0.0.1", false, expiring, ""), adminlink.ErrExpired},
		{"plain HTTP to a public host", e.linkRequest("support.example.com", false, good, ""), adminlink.ErrInsecure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			_, s, err := e.ss.Open(ctx(t), w, tt.r)
			if !errors.Is(err, tt.want) || s != nil {
				t.Fatalf("Open = %+v, %v; want %v", s, err, tt.want)
			}
			if len(w.Result().Cookies()) != 0 {
				t.Fatalf("a refused link set cookies %v", w.Result().Cookies())
			}
		})
	}
}

func TestRedirectStaysOnTheSite(t *testing.T) {
	e := newSessEnv(t)
	raw, _ := sign(t, e.links, claims(e.clock))
	r := e.linkRequest("127.0.0.1", false, raw, "")
	r.URL.Path, r.URL.RawPath, r.URL.RawQuery = "//evil.example/admin", "", ""
	to, _, err := e.ss.Open(ctx(t), httptest.NewRecorder(), r)
	if err != nil || to != "/evil.example/admin" {
		t.Fatalf("redirect %q, %v", to, err)
	}
}

func TestSessionExpires(t *testing.T) {
	e := newSessEnv(t)
	_, c := e.open()
	e.clock.Add(adminlink.DefaultSessionTTL - time.Second)
	if _, err := e.ss.Get(ctx(t), pageRequest(c)); err != nil {
		t.Fatalf("a second before the end: %v", err)
	}
	e.clock.Add(time.Second)
	if _, err := e.ss.Get(ctx(t), pageRequest(c)); !errors.Is(err, adminlink.ErrNoSession) {
		t.Fatalf("at the end: %v", err)
	}
}

func TestGetWithoutASession(t *testing.T) {
	e := newSessEnv(t)
	_, good := e.open()
	agent := *good
	agent.Name = "lockbox" // the agents' cookie is not an admin session
	tests := map[string]*http.Request{
		"no cookie":    pageRequest(nil),
		"agent cookie": pageRequest(&agent),
		"malformed":    pageRequest(&http.Cookie{Name: adminlink.CookiePlain, Value: "x"}),
		"unknown":      pageRequest(&http.Cookie{Name: adminlink.CookiePlain, Value: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}),
		"huge":         pageRequest(&http.Cookie{Name: adminlink.CookiePlain, Value: strings.Repeat("a", 8000)}),
		"public host":  withHost(pageRequest(good), "support.example.com"),
		"https name":   withTLS(pageRequest(good)),
	}
	for name, r := range tests {
		t.Run(name, func(t *testing.T) {
			s, err := e.ss.Get(ctx(t), r)
			if !errors.Is(err, adminlink.ErrNoSession) || s != nil || problem.As(err).Kind != problem.Forbidden {
				t.Fatalf("Get = %+v, %v", s, err)
			}
		})
	}
}

func TestNewLinkReplacesTheOldSession(t *testing.T) {
	e := newSessEnv(t)
	old, oldCookie := e.open()
	raw, _ := sign(t, e.links, claims(e.clock))
	r := e.linkRequest("127.0.0.1:8080", false, raw, "")
	r.AddCookie(oldCookie)
	_, s, err := e.ss.Open(ctx(t), httptest.NewRecorder(), r)
	if err != nil || s.ID == old.ID {
		t.Fatalf("Open = %+v, %v", s, err)
	}
	if _, err := e.ss.Get(ctx(t), pageRequest(oldCookie)); !errors.Is(err, adminlink.ErrNoSession) {
		t.Fatalf("the old cookie still works: %v", err)
	}
}

func TestDestroy(t *testing.T) {
	e := newSessEnv(t)
	_, c := e.open()
	w := httptest.NewRecorder()
	if err := e.ss.Destroy(ctx(t), w, pageRequest(c)); err != nil {
		t.Fatal(err)
	}
	if cleared := onlyCookie(t, w); cleared.Name != adminlink.CookiePlain || cleared.MaxAge != -1 {
		t.Fatalf("cookie after Destroy: %+v", cleared)
	}
	if _, err := e.ss.Get(ctx(t), pageRequest(c)); !errors.Is(err, adminlink.ErrNoSession) {
		t.Fatalf("Get after Destroy: %v", err)
	}
	if err := e.ss.Destroy(ctx(t), httptest.NewRecorder(), pageRequest(nil)); err != nil {
		t.Fatalf("Destroy without a session: %v", err)
	}
}

func TestStoreKeepsOnlyTheHash(t *testing.T) {
	e := newSessEnv(t)
	s, c := e.open()
	if _, err := e.store.GetRecord(ctx(t), "admin", c.Value); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the cookie value is a store key: %v", err)
	}
	if _, err := e.store.GetRecord(ctx(t), "admin", s.ID); err != nil {
		t.Fatalf("no record under the hash: %v", err)
	}
}

func TestStoreDownFailsClosed(t *testing.T) {
	e := newSessEnv(t)
	_, c := e.open()
	_ = e.store.Close()
	if _, err := e.ss.Get(ctx(t), pageRequest(c)); problem.As(err).Code != "store_unavailable" {
		t.Fatalf("Get with the store down = %v", err)
	}
	w := httptest.NewRecorder()
	if err := e.ss.Destroy(ctx(t), w, pageRequest(c)); problem.As(err).Code != "store_unavailable" {
		t.Fatalf("Destroy with the store down = %v", err)
	}
	if cleared := onlyCookie(t, w); cleared.MaxAge != -1 {
		t.Fatal("the cookie was not cleared while the store was down")
	}
}

func withHost(r *http.Request, host string) *http.Request { r.Host = host; return r }
func withTLS(r *http.Request) *http.Request               { r.TLS = &tls.ConnectionState{}; return r }

// twoTokens adds a second token field to r's form.
func twoTokens(r *http.Request, token string) *http.Request {
	body := url.Values{"token": {token, token}}.Encode()
	r.Body = io.NopCloser(strings.NewReader(body))
	r.ContentLength = int64(len(body))
	return r
}
