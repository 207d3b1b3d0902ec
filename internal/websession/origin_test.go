package websession_test

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/websession"
)

func TestSameOrigin(t *testing.T) {
	tests := []struct {
		name    string
		method  string
		target  string
		tls     bool
		origin  string
		referer string
		want    bool
	}{
		{name: "same origin https", target: "https://app.example.com/x", tls: true, origin: "https://app.example.com", want: true},
		{name: "default port", target: "https://app.example.com:443/x", tls: true, origin: "https://app.example.com", want: true},
		{name: "host case", target: "https://App.Example.com/x", tls: true, origin: "https://app.example.com", want: true},
		{name: "same origin loopback", target: "http://127.0.0.1:8080/x", origin: "http://127.0.0.1:8080", want: true},
		{name: "other host", target: "https://app.example.com/x", tls: true, origin: "https://evil.com"},
		{name: "suffix host", target: "https://app.example.com/x", tls: true, origin: "https://app.example.com.evil.com"},
		{name: "other port", target: "http://127.0.0.1:8080/x", origin: "http://127.0.0.1:8081"},
		{name: "scheme downgrade", target: "https://app.example.com/x", tls: true, origin: "http://app.example.com"},
		{name: "null origin", target: "https://app.example.com/x", tls: true, origin: "null"},
		{name: "origin wins over referer", target: "https://app.example.com/x", tls: true, origin: "https://evil.com", referer: "https://app.example.com/"},
		{name: "referer only", target: "https://app.example.com/x", tls: true, referer: "https://app.example.com/_lockbox/", want: true},
		{name: "foreign referer", target: "https://app.example.com/x", tls: true, referer: "https://evil.com/app.example.com"},
		{name: "referer with user info", target: "https://app.example.com/x", tls: true, referer: "https://app.example.com@evil.com/"},
		{name: "neither on POST", target: "https://app.example.com/x", tls: true},
		{name: "neither on GET", method: http.MethodGet, target: "https://app.example.com/x", tls: true, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			req := httptest.NewRequest(method, tt.target, nil)
			if tt.tls {
				req.TLS = &tls.ConnectionState{}
			}
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			if tt.referer != "" {
				req.Header.Set("Referer", tt.referer)
			}
			if got := websession.SameOrigin(req); got != tt.want {
				t.Fatalf("SameOrigin = %v", got)
			}
		})
	}
}
