package websession_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/websession"
)

func TestForwardedHTTPS(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  bool
	}{
		{"https", []string{"https"}, true},
		{"any case, spaces", []string{" HTTPS "}, true},
		{"none", nil, false},
		{"http", []string{"http"}, false},
		{"a list", []string{"https, http"}, false},
		{"two lines", []string{"https", "https"}, false},
		{"empty", []string{""}, false},
		{"another word", []string{"https2"}, false},
	}
	for _, tt := range tests {
		h := http.Header{}
		for _, l := range tt.lines {
			h.Add("X-Forwarded-Proto", l)
		}
		if got := websession.ForwardedHTTPS(h); got != tt.want {
			t.Errorf("%s: ForwardedHTTPS = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestForwardedTLSCountsAsHTTPS: a request the server marked as received
// over HTTPS by a trusted proxy gets Secure cookies and https origin
// checks; the header alone changes nothing.
func TestForwardedTLSCountsAsHTTPS(t *testing.T) {
	plain := httptest.NewRequest(http.MethodPost, "http://app.example.com/_lockbox/enter", nil)
	plain.Header.Set("X-Forwarded-Proto", "https")
	plain.Header.Set("Origin", "https://app.example.com")
	marked := plain.WithContext(websession.WithForwardedTLS(plain.Context()))

	if websession.IsTLS(plain) || websession.Scheme(plain) != "http" {
		t.Fatal("the header alone made the request HTTPS")
	}
	if websession.ModeOf(plain) != websession.Refused || websession.SameOrigin(plain) {
		t.Fatal("an unmarked plain request to a public host got cookies or passed the https origin")
	}
	if !websession.IsTLS(marked) || websession.Scheme(marked) != "https" {
		t.Fatal("the marked request is not HTTPS")
	}
	if websession.ModeOf(marked) != websession.Secure {
		t.Fatalf("ModeOf(marked) = %v, want Secure", websession.ModeOf(marked))
	}
	if !websession.SameOrigin(marked) {
		t.Fatal("the marked request refused its own https origin")
	}
	marked.Header.Set("Origin", "http://app.example.com")
	if websession.SameOrigin(marked) {
		t.Fatal("the marked request accepted an http origin")
	}
}
