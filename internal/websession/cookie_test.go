package websession_test

import (
	"crypto/tls"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/websession"
)

func TestPairs(t *testing.T) {
	tests := []struct {
		name string
		line string
		want map[string]string
	}{
		{name: "one", line: "a=1", want: map[string]string{"a": "a=1"}},
		{name: "spaces and empty parts", line: " a=1 ;; b = 2;", want: map[string]string{"a": "a=1", "b": "b = 2"}},
		{name: "no value", line: "lockbox", want: map[string]string{"lockbox": "lockbox"}},
		{name: "empty", line: " ; ", want: map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := maps.Collect(websession.Pairs(tt.line))
			if !maps.Equal(got, tt.want) {
				t.Fatalf("Pairs(%q) = %q, want %q", tt.line, got, tt.want)
			}
		})
	}
}

func TestPairsDoesNotAllocate(t *testing.T) {
	line := "app_session=abc; theme=dark; lockbox-admin=" + strings.Repeat("A", 43)
	n := testing.AllocsPerRun(100, func() {
		for name := range websession.Pairs(line) {
			if name == "" {
				t.Fatal("empty name")
			}
		}
	})
	if n != 0 {
		t.Fatalf("Pairs allocates %.0f times", n)
	}
}

func TestValue(t *testing.T) {
	token := websession.NewToken()
	tests := []struct {
		name   string
		cookie string
		want   string
	}{
		{name: "token", cookie: "x=1; s=" + token, want: token},
		{name: "first well-formed of two", cookie: "s=abc; s=" + token, want: token},
		{name: "quoted", cookie: `s="` + token + `"`},
		{name: "short", cookie: "s=abc"},
		{name: "bad alphabet", cookie: "s=" + strings.Repeat("+", websession.TokenLen)},
		{name: "other name", cookie: "t=" + token},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Header.Set("Cookie", tt.cookie)
			got, ok := websession.Value(r, "s")
			if got != tt.want || ok != (tt.want != "") {
				t.Fatalf("Value = %q, %v; want %q", got, ok, tt.want)
			}
		})
	}
}

func TestModeOf(t *testing.T) {
	tests := []struct {
		name, host string
		tls        bool
		want       websession.Mode
		cookie     string
	}{
		{name: "https", host: "app.example.com", tls: true, want: websession.Secure, cookie: "__Host-lockbox"},
		{name: "http loopback", host: "127.0.0.1:8080", want: websession.Plain, cookie: "lockbox"},
		{name: "http localhost", host: "LOCALHOST", want: websession.Plain, cookie: "lockbox"},
		{name: "http ipv6 loopback", host: "[::1]:8080", want: websession.Plain, cookie: "lockbox"},
		{name: "http public", host: "app.example.com", want: websession.Refused, cookie: "lockbox"},
		{name: "http localhost lookalike", host: "localhost.example.com", want: websession.Refused, cookie: "lockbox"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Host = tt.host
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			m := websession.ModeOf(r)
			if m != tt.want || m.Name("lockbox") != tt.cookie {
				t.Fatalf("ModeOf = %v (%s), want %v (%s)", m, m.Name("lockbox"), tt.want, tt.cookie)
			}
		})
	}
}

func TestSetCookie(t *testing.T) {
	w := httptest.NewRecorder()
	websession.SetCookie(w, websession.Secure, "__Host-lockbox", "v", 1500e6) // 1.5 s rounds to 2
	websession.SetCookie(w, websession.Plain, "lockbox", "", -1)
	got := w.Result().Cookies()
	if len(got) != 2 {
		t.Fatalf("cookies %v", got)
	}
	if c := got[0]; !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.MaxAge != 2 {
		t.Errorf("secure cookie %+v", c)
	}
	if c := got[1]; c.Secure || c.MaxAge >= 0 {
		t.Errorf("deleting plain cookie %+v", c)
	}
}

func TestEqual(t *testing.T) {
	a := websession.NewToken()
	if !websession.Equal(a, a) || websession.Equal(a, websession.NewToken()) || websession.Equal("", "") || websession.Equal(a, a[:42]) {
		t.Fatal("Equal")
	}
	if !websession.IsToken(a) || websession.Hash(a) == websession.Hash(websession.NewToken()) {
		t.Fatal("NewToken or Hash")
	}
}
