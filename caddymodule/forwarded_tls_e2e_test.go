package caddymodule_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/devidp"
)

// forwardedTLSCaddyfile serves one site in plain HTTP on two listeners,
// as behind a proxy that terminates HTTPS: on Port, Caddy trusts proxies
// on loopback, where the test's requests come from; on PortB, only
// proxies on 10.0.0.0/8.
var forwardedTLSCaddyfile = e2eCaddyfile(`{
	admin {{.Admin}}
	default_bind 127.0.0.1
	http_port {{.Port}}
	servers 127.0.0.1:{{.Port}} {
		trusted_proxies static 127.0.0.1/32
	}
	servers 127.0.0.1:{{.PortB}} {
		trusted_proxies static 10.0.0.0/8
	}
	lockbox {
		storage {{.Storage}}
	}
}

http://app.example.test:{{.Port}}, http://127.0.0.1:{{.Port}}, http://app.example.test:{{.PortB}} {
	lockbox {
		{{template "oidc" .}}
		role support groups support scopes read
		issuer https://app.example.test/_lockbox
	}
	reverse_proxy {{.Upstream}}
}
`)

// TestForwardedHTTPSFromTrustedProxiesOnly: behind a proxy Caddy trusts,
// X-Forwarded-Proto: https makes an agent sign-in over plain HTTP count as
// HTTPS (a __Host- cookie, Secure); from a proxy it does not trust, or
// said in any other way, it is refused as plain HTTP to a public host.
func TestForwardedHTTPSFromTrustedProxiesOnly(t *testing.T) {
	t.Parallel()
	gw := newGatewayProc(t, lockboxBinary(t))
	portB := freePort(t)
	idp, err := devidp.Start("127.0.0.1:0", devidp.Config{
		Clients: []devidp.Client{{ID: e2eClientID, Secret: e2eClientSecret, RedirectURIs: []string{"https://app.example.test/_lockbox/callback"}}},
		Logger:  slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idp.Close() })
	app := startEchoApp(t)
	gw.launchWith(forwardedTLSCaddyfile, struct {
		Admin, Storage, IdP, Upstream string
		Port, PortB                   int
	}{gw.admin, "bolt " + filepath.Join(t.TempDir(), "lockbox.db"), idp.Issuer(), app.hostport(), gw.port, portB})

	client := &http.Client{
		Timeout:       5 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	login := func(port int, proto ...string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d/_lockbox/login", port), nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = fmt.Sprintf("app.example.test:%d", port)
		for _, p := range proto {
			req.Header.Add("X-Forwarded-Proto", p)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}

	res := login(gw.port, "https")
	loc, _ := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusFound || !strings.HasPrefix(res.Header.Get("Location"), idp.Issuer()) {
		t.Fatalf("sign-in behind a trusted proxy: %d to %q, want the provider", res.StatusCode, res.Header.Get("Location"))
	}
	if got := loc.Query().Get("redirect_uri"); got != "https://app.example.test/_lockbox/callback" {
		t.Fatalf("redirect_uri = %q", got)
	}
	cookies := res.Cookies()
	if len(cookies) != 1 || !strings.HasPrefix(cookies[0].Name, "__Host-") || !cookies[0].Secure {
		t.Fatalf("cookies behind a trusted proxy: %v, want one __Host- cookie, Secure", res.Header.Values("Set-Cookie"))
	}

	for _, tt := range []struct {
		name  string
		port  int
		proto []string
	}{
		{"no header", gw.port, nil},
		{"http", gw.port, []string{"http"}},
		{"a list", gw.port, []string{"https, http"}},
		{"two lines", gw.port, []string{"https", "https"}},
		{"untrusted proxy", portB, []string{"https"}},
	} {
		res := login(tt.port, tt.proto...)
		if res.StatusCode != http.StatusBadRequest || len(res.Cookies()) != 0 {
			t.Errorf("%s: %d, cookies %v; want 400 and no cookie", tt.name, res.StatusCode, res.Header.Values("Set-Cookie"))
		}
	}
}
