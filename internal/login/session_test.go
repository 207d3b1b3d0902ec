package login_test

import (
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// loopbackRequest is a plain HTTP request to 127.0.0.1, as in the demo.
func loopbackRequest(method, path string) (*http.Request, *httptest.ResponseRecorder) {
	return httptest.NewRequest(method, "http://127.0.0.1:8080"+path, nil), httptest.NewRecorder()
}

var bob = login.Identity{
	Agent:  store.Agent{Subject: "bob", Issuer: "http://127.0.0.1:9999", Email: "bob@support.example"},
	Roles:  []string{"operations"},
	Scopes: []string{"read", "write", "pii"},
}

// newSession creates a session for bob and returns a request carrying
// its cookie.
func newSession(t *testing.T, ss *login.Sessions) (*login.AgentSession, *http.Request) {
	t.Helper()
	req, w := loopbackRequest(http.MethodGet, "/_lockbox/login")
	s, err := ss.Create(t.Context(), w, req, bob)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	next, _ := loopbackRequest(http.MethodGet, "/app")
	for _, c := range w.Result().Cookies() {
		next.AddCookie(c)
	}
	return s, next
}

func TestSessionCookieAttributes(t *testing.T) {
	ss := login.NewSessions(testkit.Bolt(t), time.Hour, nil)
	tests := []struct {
		name   string
		target string
		tls    bool
		cookie string
		secure bool
	}{
		{name: "https", target: "https://app.example.com/", tls: true, cookie: login.SessionCookieHost, secure: true},
		{name: "https on loopback", target: "https://127.0.0.1:8443/", tls: true, cookie: login.SessionCookieHost, secure: true},
		{name: "http on loopback", target: "http://127.0.0.1:8080/", cookie: login.SessionCookiePlain},
		{name: "http on localhost", target: "http://localhost/", cookie: login.SessionCookiePlain},
		{name: "http on ipv6 loopback", target: "http://[::1]:8080/", cookie: login.SessionCookiePlain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tt.target, nil)
			if tt.tls {
				req.TLS = &tls.ConnectionState{}
			}
			w := httptest.NewRecorder()
			if _, err := ss.Create(t.Context(), w, req, bob); err != nil {
				t.Fatal(err)
			}
			cookies := w.Result().Cookies()
			if len(cookies) != 1 {
				t.Fatalf("cookies = %v", cookies)
			}
			c := cookies[0]
			if c.Name != tt.cookie || c.Secure != tt.secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode ||
				c.Path != "/" || c.Domain != "" || c.MaxAge != 3600 || len(c.Value) != 43 {
				t.Fatalf("cookie = %+v", c)
			}
		})
	}
}

func TestSessionRefusedOnPlainPublicHTTP(t *testing.T) {
	ss := login.NewSessions(testkit.Bolt(t), time.Hour, nil)
	req := httptest.NewRequest(http.MethodGet, "http://app.example.com/", nil)
	w := httptest.NewRecorder()
	_, err := ss.Create(t.Context(), w, req, bob)
	if problem.As(err).Code != login.CodeInsecureOrigin || len(w.Result().Cookies()) != 0 {
		t.Fatalf("Create over plain public HTTP = %v, cookies %v", err, w.Result().Cookies())
	}
	req.Header.Set("Cookie", "lockbox="+strings.Repeat("A", 43))
	if _, err := ss.Get(t.Context(), req); !errors.Is(err, login.ErrNoSession) {
		t.Fatalf("Get over plain public HTTP = %v", err)
	}
}

func TestSessionGetRoundTrip(t *testing.T) {
	ss := login.NewSessions(testkit.Bolt(t), time.Hour, nil)
	created, req := newSession(t, ss)
	got, err := ss.Get(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != created.ID || got.Agent != bob.Agent || got.CSRF != created.CSRF || got.CSRF == "" || !got.ExpiresAt.Equal(created.ExpiresAt) {
		t.Fatalf("Get = %+v, created %+v", got, created)
	}
}

func TestSessionGetRefusesGarbage(t *testing.T) {
	ss := login.NewSessions(testkit.Bolt(t), time.Hour, nil)
	_, live := newSession(t, ss)
	valid := live.Header.Get("Cookie")
	tests := map[string]string{
		"no cookie":         "",
		"empty value":       "lockbox=",
		"short":             "lockbox=abc",
		"unknown token":     "lockbox=" + strings.Repeat("A", 43),
		"bad alphabet":      "lockbox=" + strings.Repeat("+", 43),
		"one byte too long": valid + "A",
		"quoted":            `lockbox="` + strings.TrimPrefix(valid, "lockbox=") + `"`,
		"1 MB":              "lockbox=" + strings.Repeat("A", 1<<20),
		"1 MB of pairs":     strings.Repeat("x=1; ", 200000),
		"binary":            "lockbox=\x00\xff\xfe" + strings.Repeat("\x01", 40),
		"other name":        "__Host-lockbox=" + strings.TrimPrefix(valid, "lockbox="),
	}
	for name, header := range tests {
		t.Run(name, func(t *testing.T) {
			req, _ := loopbackRequest(http.MethodGet, "/")
			if header != "" {
				req.Header.Set("Cookie", header)
			}
			if s, err := ss.Get(t.Context(), req); !errors.Is(err, login.ErrNoSession) {
				t.Fatalf("Get = %+v, %v; want ErrNoSession", s, err)
			}
		})
	}
}

func TestSessionExpiresOnItsClock(t *testing.T) {
	c := testkit.NewClock(time.Now())
	ss := login.NewSessions(testkit.Bolt(t), time.Hour, c.Now)
	_, req := newSession(t, ss)
	c.Add(59 * time.Minute)
	if _, err := ss.Get(t.Context(), req); err != nil {
		t.Fatalf("Get before expiry: %v", err)
	}
	c.Add(time.Minute)
	if _, err := ss.Get(t.Context(), req); !errors.Is(err, login.ErrNoSession) {
		t.Fatalf("Get at expiry = %v, want ErrNoSession", err)
	}
}

func TestSessionSave(t *testing.T) {
	ss := login.NewSessions(testkit.Bolt(t), time.Hour, nil)
	_, req := newSession(t, ss)
	a, err := ss.Get(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ss.Get(t.Context(), req)
	a.Impersonation = &login.Impersonation{Tenant: "acme", Session: "s_1"}
	if err := ss.Save(t.Context(), a); err != nil {
		t.Fatalf("Save: %v", err)
	}
	got, _ := ss.Get(t.Context(), req)
	if got.Impersonation == nil || *got.Impersonation != *a.Impersonation {
		t.Fatalf("saved impersonation = %+v", got.Impersonation)
	}
	// b was read before a's change: saving it would undo the change.
	b.Impersonation = nil
	if err := ss.Save(t.Context(), b); problem.As(err).Code != login.CodeSessionChanged {
		t.Fatalf("stale Save = %v, want %s", err, login.CodeSessionChanged)
	}
	// a can save again: Save keeps what it wrote as the new base.
	a.Impersonation = nil
	if err := ss.Save(t.Context(), a); err != nil {
		t.Fatalf("second Save: %v", err)
	}
}

func TestSessionSaveDoesNotResurrect(t *testing.T) {
	ss := login.NewSessions(testkit.Bolt(t), time.Hour, nil)
	_, req := newSession(t, ss)
	s, err := ss.Get(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	if err := ss.Destroy(t.Context(), httptest.NewRecorder(), req); err != nil {
		t.Fatal(err)
	}
	s.Impersonation = &login.Impersonation{Tenant: "acme", Session: "s_1"}
	if err := ss.Save(t.Context(), s); !errors.Is(err, login.ErrNoSession) {
		t.Fatalf("Save after Destroy = %v, want ErrNoSession", err)
	}
	if _, err := ss.Get(t.Context(), req); !errors.Is(err, login.ErrNoSession) {
		t.Fatalf("a destroyed session came back: %v", err)
	}
	if err := ss.Save(t.Context(), &login.AgentSession{ExpiresAt: time.Now().Add(time.Hour)}); !errors.Is(err, login.ErrNoSession) {
		t.Fatalf("Save of a session never read = %v", err)
	}
}

func TestSessionDestroyExpiresCookie(t *testing.T) {
	ss := login.NewSessions(testkit.Bolt(t), time.Hour, nil)
	_, req := newSession(t, ss)
	w := httptest.NewRecorder()
	if err := ss.Destroy(t.Context(), w, req); err != nil {
		t.Fatal(err)
	}
	cookies := w.Result().Cookies()
	if len(cookies) != 1 || cookies[0].Name != login.SessionCookiePlain || cookies[0].MaxAge >= 0 {
		t.Fatalf("Destroy cookies = %+v", cookies)
	}
	// Destroying again, or without a cookie, is harmless.
	if err := ss.Destroy(t.Context(), httptest.NewRecorder(), req); err != nil {
		t.Fatal(err)
	}
	bare, _ := loopbackRequest(http.MethodPost, "/_lockbox/logout")
	if err := ss.Destroy(t.Context(), httptest.NewRecorder(), bare); err != nil {
		t.Fatal(err)
	}
}

func TestSessionStoreDownFailsClosed(t *testing.T) {
	st := testkit.Bolt(t)
	ss := login.NewSessions(st, time.Hour, nil)
	_, req := newSession(t, ss)
	_ = st.Close()
	_, err := ss.Get(t.Context(), req)
	if errors.Is(err, login.ErrNoSession) || problem.Status(err) != http.StatusServiceUnavailable {
		t.Fatalf("Get with the store closed = %v, want a 503 problem", err)
	}
}

func TestSessionIDWithoutStore(t *testing.T) {
	ss := login.NewSessions(testkit.Bolt(t), time.Hour, nil)
	created, req := newSession(t, ss)
	if id, ok := ss.ID(req); !ok || id != created.ID {
		t.Fatalf("ID = %q, %v; want %q", id, ok, created.ID)
	}
	garbage, _ := loopbackRequest(http.MethodGet, "/")
	garbage.Header.Set("Cookie", "lockbox="+strings.Repeat("A", 1<<20))
	if id, ok := ss.ID(garbage); ok || id != "" {
		t.Fatalf("ID of a garbage cookie = %q, %v", id, ok)
	}
}
