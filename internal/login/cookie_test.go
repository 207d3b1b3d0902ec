package login_test

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/login"
)

func TestHasCookie(t *testing.T) {
	tests := []struct {
		name    string
		tls     bool
		headers []string
		want    bool
	}{
		{name: "no cookie header"},
		{name: "other cookies", headers: []string{"sid=1; theme=dark"}},
		{name: "plain", headers: []string{"lockbox=abc"}, want: true},
		{name: "plain among others", headers: []string{"a=1; lockbox=abc; b=2"}, want: true},
		{name: "second header line", headers: []string{"a=1", "lockbox=abc"}, want: true},
		{name: "empty value", headers: []string{"lockbox="}},
		{name: "name as prefix", headers: []string{"lockbox-login=abc; lockboxx=1"}},
		{name: "name as suffix", headers: []string{"xlockbox=abc"}},
		{name: "host cookie over http", headers: []string{"__Host-lockbox=abc"}},
		{name: "host cookie over https", tls: true, headers: []string{"__Host-lockbox=abc"}, want: true},
		{name: "plain cookie over https", tls: true, headers: []string{"lockbox=abc"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
			if tt.tls {
				req.TLS = &tls.ConnectionState{}
			}
			for _, h := range tt.headers {
				req.Header.Add("Cookie", h)
			}
			if got := login.HasCookie(req); got != tt.want {
				t.Fatalf("HasCookie(%q) = %v", tt.headers, got)
			}
		})
	}
}

// ordinaryRequest is app traffic: cookies, but no Lockbox session.
func ordinaryRequest() *http.Request {
	req := httptest.NewRequest(http.MethodGet, "https://app.example.com/dashboard", nil)
	req.TLS = &tls.ConnectionState{}
	req.Header.Set("Cookie", "_ga=GA1.2.123456789.1700000000; app_session="+strings.Repeat("x", 64)+"; theme=dark")
	return req
}

func TestHasCookieDoesNotAllocate(t *testing.T) {
	reqs := []*http.Request{ordinaryRequest(), httptest.NewRequest(http.MethodGet, "/", nil)}
	for _, req := range reqs {
		if n := testing.AllocsPerRun(100, func() { login.HasCookie(req) }); n != 0 {
			t.Fatalf("HasCookie allocates %v times per call", n)
		}
	}
}

func BenchmarkHasCookie(b *testing.B) {
	b.Run("no cookie", func(b *testing.B) {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		b.ReportAllocs()
		for b.Loop() {
			login.HasCookie(req)
		}
	})
	b.Run("app cookies", func(b *testing.B) {
		req := ordinaryRequest()
		b.ReportAllocs()
		for b.Loop() {
			login.HasCookie(req)
		}
	})
}
