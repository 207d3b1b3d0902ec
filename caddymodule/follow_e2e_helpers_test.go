package caddymodule_test

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// auditPoll is a loopback reverse proxy in front of an admin API that
// tells when the first audit request passes: `lockbox audit --follow`
// takes its starting point before that request, so from then on new
// events are the follower's to print.
type auditPoll struct {
	addr  string        // the proxy's host:port, for --address
	first chan struct{} // closed when the first audit request arrives
}

func firstAuditPoll(t *testing.T, admin string) *auditPoll {
	t.Helper()
	target := &url.URL{Scheme: "http", Host: admin}
	p := &auditPoll{first: make(chan struct{})}
	var once sync.Once
	// Caddy's admin endpoint insists on its own Host and Origin.
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		if r.Out.Header.Get("Origin") != "" {
			r.Out.Header.Set("Origin", target.String())
		}
	}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "audit") {
			once.Do(func() { close(p.first) })
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.addr = srv.Listener.Addr().String()
	return p
}
