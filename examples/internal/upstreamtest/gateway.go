// Package upstreamtest runs an example upstream app behind a real Lockbox
// and feeds it hostile tokens, so the examples in every language are
// held to one test. It starts Caddy with the Lockbox plugin in the test's
// process, the development identity provider, and a recorder between the
// gateway and the app that keeps the token Lockbox sent.
package upstreamtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig"
	_ "github.com/caddyserver/caddy/v2/caddyconfig/httpcaddyfile" // the Caddyfile adapter
	_ "github.com/caddyserver/caddy/v2/modules/standard"          // reverse_proxy and the rest

	_ "github.com/lockbox-gw/lockbox/caddymodule" // the lockbox directive

	"github.com/lockbox-gw/lockbox/internal/devidp"
	"github.com/lockbox-gw/lockbox/internal/freeport"
)

// Fixed parts of the test's world.
const (
	clientID     = "lockbox"
	clientSecret = "upstream-test-client-secret"
	// Tenant is the tenant the agent enters.
	Tenant = "acme"
	// AgentUser is the development identity provider's user who signs in:
	// bob, in group customer-ops.
	AgentUser = "bob"
	// AgentEmail is AgentUser's email, which the app reports.
	AgentEmail = "bob@support.example"
	// waitFor bounds every wait for a process or server to be ready.
	waitFor = 30 * time.Second
)

// Gateway is a running Lockbox site in front of an app.
type Gateway struct {
	// Issuer is the token issuer: the site's URL with /_lockbox.
	Issuer string
	// Audience is the token audience: the site's host and port.
	Audience string
	// Site is the site's URL, http://127.0.0.1:<port>.
	Site string

	t     *testing.T
	admin string
	key   *ecdsa.PrivateKey
	idp   *devidp.Server
}

// NewGateway picks the gateway's address, so the app can be told its
// issuer and audience before Start runs it.
func NewGateway(t *testing.T) *Gateway {
	t.Helper()
	port := FreePort(t)
	g := &Gateway{t: t, Site: fmt.Sprintf("http://127.0.0.1:%d", port), admin: fmt.Sprintf("127.0.0.1:%d", FreePort(t))}
	g.Issuer = g.Site + "/_lockbox"
	g.Audience = fmt.Sprintf("127.0.0.1:%d", port)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	g.key = key
	return g
}

// Start runs the development identity provider and Lockbox with its site
// proxying to upstream (host:port), and returns once the site answers.
func (g *Gateway) Start(upstream string) {
	t := g.t
	t.Helper()
	idp, err := devidp.Start("127.0.0.1:0", devidp.Config{
		Clients: []devidp.Client{{ID: clientID, Secret: clientSecret, RedirectURIs: []string{g.Issuer + "/callback"}}},
		Logger:  slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatalf("starting the identity provider: %v", err)
	}
	t.Cleanup(func() { _ = idp.Close() })
	g.idp = idp
	cfg := g.caddyfile(upstream)
	adapted, warnings, err := caddyconfig.GetAdapter("caddyfile").Adapt([]byte(cfg), nil)
	if err != nil {
		t.Fatalf("adapting the Caddyfile: %v\n%s", err, cfg)
	}
	if len(warnings) > 0 {
		t.Fatalf("the Caddyfile adapts with warnings: %v", warnings)
	}
	if err := caddy.Load(adapted, true); err != nil {
		t.Fatalf("starting Lockbox: %v", err)
	}
	t.Cleanup(func() { _ = caddy.Stop() })
	WaitAnswer(t, g.Issuer+"/.well-known/openid-configuration")
}

// caddyfile is the gateway's configuration: one site on loopback over a
// bbolt file, signing with the test's key.
func (g *Gateway) caddyfile(upstream string) string {
	t := g.t
	der, err := x509.MarshalPKCS8PrivateKey(g.key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "signing.pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	port := strings.TrimPrefix(g.Site, "http://127.0.0.1:")
	return fmt.Sprintf(`{
	admin %s
	default_bind 127.0.0.1
	http_port %s
	persist_config off
	storage file_system %s
	lockbox {
		storage bolt %s
		signing_key_file %s
	}
}

%s {
	lockbox {
		oidc %s {
			client_id %s
			client_secret %s
		}
		role operations groups customer-ops scopes read write pii
	}
	reverse_proxy %s
}
`, g.admin, port, filepath.Join(dir, "caddy"), filepath.Join(dir, "lockbox.db"), keyFile, g.Site, g.idp.Issuer(), clientID, clientSecret, upstream)
}

// FreePort returns a loopback port for a server another process starts.
func FreePort(t *testing.T) int {
	t.Helper()
	port, err := freeport.Loopback()
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// WaitAnswer polls url until it answers 200, failing the test after
// waitFor. exited, when not nil, ends the wait early: the server's
// process is gone.
func WaitAnswer(t *testing.T, url string, exited ...<-chan struct{}) {
	t.Helper()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(waitFor)
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		for _, c := range exited {
			select {
			case <-c:
				t.Fatalf("the server of %s exited before it answered", url)
			default:
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer 200 within %s (last error: %v)", url, waitFor, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
