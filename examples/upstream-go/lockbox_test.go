package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/examples/internal/upstreamtest"
)

// TestBehindLockbox runs the example behind a real Lockbox and feeds it
// the hostile tokens every example must refuse.
func TestBehindLockbox(t *testing.T) {
	upstreamtest.Exercise(t, func(issuer, audience string) string {
		l := &lockbox{issuer: issuer, audience: audience, client: &http.Client{Timeout: 5 * time.Second}}
		mux := http.NewServeMux()
		mux.HandleFunc("GET /", whoami)
		srv := httptest.NewServer(l.middleware(mux))
		t.Cleanup(srv.Close)
		return srv.URL
	})
}
