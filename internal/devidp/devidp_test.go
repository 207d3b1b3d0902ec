package devidp_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/devidp"
)

func TestDiscoveryDocument(t *testing.T) {
	rp := newRelyingParty(t, rpOptions{secret: testClientSecret})
	status, body, _ := rp.get(t, rp.issuer+"/.well-known/openid-configuration")
	if status != http.StatusOK {
		t.Fatalf("status = %d, body:\n%s", status, body)
	}
	var doc struct {
		Issuer                string   `json:"issuer"`
		AuthorizationEndpoint string   `json:"authorization_endpoint"`
		TokenEndpoint         string   `json:"token_endpoint"`
		UserinfoEndpoint      string   `json:"userinfo_endpoint"`
		JWKSURI               string   `json:"jwks_uri"`
		CodeChallengeMethods  []string `json:"code_challenge_methods_supported"`
		SigningAlgs           []string `json:"id_token_signing_alg_values_supported"`
		Claims                []string `json:"claims_supported"`
		Scopes                []string `json:"scopes_supported"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("decoding discovery document: %v", err)
	}
	if doc.Issuer != rp.issuer {
		t.Errorf("issuer = %q, want %q", doc.Issuer, rp.issuer)
	}
	for name, endpoint := range map[string]string{
		"authorization_endpoint": doc.AuthorizationEndpoint,
		"token_endpoint":         doc.TokenEndpoint,
		"userinfo_endpoint":      doc.UserinfoEndpoint,
		"jwks_uri":               doc.JWKSURI,
	} {
		if !strings.HasPrefix(endpoint, rp.issuer+"/") {
			t.Errorf("%s = %q, want a URL under the issuer", name, endpoint)
		}
	}
	for _, c := range []struct {
		field string
		list  []string
		want  string
	}{
		{"code_challenge_methods_supported", doc.CodeChallengeMethods, "S256"},
		{"id_token_signing_alg_values_supported", doc.SigningAlgs, "RS256"},
		{"claims_supported", doc.Claims, "groups"},
		{"scopes_supported", doc.Scopes, "groups"},
	} {
		if !slices.Contains(c.list, c.want) {
			t.Errorf("%s = %v, want it to contain %q", c.field, c.list, c.want)
		}
	}
}

func TestJWKSPublishesOnlyPublicKey(t *testing.T) {
	rp := newRelyingParty(t, rpOptions{secret: testClientSecret})
	status, body, _ := rp.get(t, rp.issuer+"/keys")
	if status != http.StatusOK {
		t.Fatalf("status = %d, body:\n%s", status, body)
	}
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal([]byte(body), &set); err != nil {
		t.Fatal(err)
	}
	if len(set.Keys) != 1 {
		t.Fatalf("got %d keys, want 1", len(set.Keys))
	}
	k := set.Keys[0]
	if k["kty"] != "RSA" || k["alg"] != "RS256" || k["use"] != "sig" || k["kid"] == "" {
		t.Errorf("key = %v, want an RS256 signing key with a kid", k)
	}
	if _, private := k["d"]; private {
		t.Error("JWKS contains the private exponent")
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	client := devidp.Client{ID: "lockbox", RedirectURIs: []string{"http://127.0.0.1/cb"}}
	base := func() devidp.Config {
		return devidp.Config{Issuer: "http://127.0.0.1", Clients: []devidp.Client{client}}
	}
	tests := []struct {
		name   string
		modify func(c *devidp.Config)
		want   string
	}{
		{"no issuer", func(c *devidp.Config) { c.Issuer = "" }, "issuer is required"},
		{"relative issuer", func(c *devidp.Config) { c.Issuer = "/idp" }, "not an absolute http or https URL"},
		{"other scheme", func(c *devidp.Config) { c.Issuer = "ftp://127.0.0.1" }, "not an absolute http or https URL"},
		{"issuer with query", func(c *devidp.Config) { c.Issuer = "http://127.0.0.1?x=1" }, "query"},
		{"issuer with trailing slash", func(c *devidp.Config) { c.Issuer = "http://127.0.0.1/" }, "must not end with '/'"},
		{"no clients", func(c *devidp.Config) { c.Clients = nil }, "at least one client"},
		{"empty client id", func(c *devidp.Config) { c.Clients[0].ID = "" }, "client id"},
		{"client id with colon", func(c *devidp.Config) { c.Clients[0].ID = "a:b" }, "client id"},
		{"duplicate client", func(c *devidp.Config) { c.Clients = append(c.Clients, client) }, "listed twice"},
		{"no redirect URI", func(c *devidp.Config) { c.Clients[0].RedirectURIs = nil }, "at least one redirect URI"},
		{"relative redirect URI", func(c *devidp.Config) { c.Clients[0].RedirectURIs = []string{"/cb"} }, "not an absolute"},
		{"redirect URI with fragment", func(c *devidp.Config) { c.Clients[0].RedirectURIs = []string{"http://127.0.0.1/cb#x"} }, "fragment"},
		{"bad post-logout URI", func(c *devidp.Config) { c.Clients[0].PostLogoutRedirectURIs = []string{"nope"} }, "not an absolute"},
		{"empty user list", func(c *devidp.Config) { c.Users = []devidp.User{} }, "at least one user"},
		{"bad username", func(c *devidp.Config) { c.Users = []devidp.User{{Username: "Bob:1"}} }, "username"},
		{"duplicate user", func(c *devidp.Config) { c.Users = []devidp.User{{Username: "bob"}, {Username: "bob"}} }, "listed twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base()
			cfg.Clients = slices.Clone(cfg.Clients)
			tt.modify(&cfg)
			_, err := devidp.New(cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New error = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestStartRefusesNonLoopbackAddresses(t *testing.T) {
	cfg := devidp.Config{Clients: []devidp.Client{{ID: "lockbox", RedirectURIs: []string{"http://127.0.0.1/cb"}}}}
	for _, addr := range []string{":0", "0.0.0.0:0", "192.0.2.1:0", "example.com:0", "127.0.0.1"} {
		t.Run(addr, func(t *testing.T) {
			srv, err := devidp.Start(addr, cfg)
			if err == nil {
				_ = srv.Close()
				t.Fatalf("Start(%q) succeeded, want an error", addr)
			}
		})
	}
}

func TestStartDerivesIssuerAndCloses(t *testing.T) {
	cfg := devidp.Config{Clients: []devidp.Client{{ID: "lockbox", RedirectURIs: []string{"http://127.0.0.1/cb"}}}}
	srv, err := devidp.Start("127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if want := "http://" + srv.Addr(); srv.Issuer() != want || strings.HasSuffix(srv.Addr(), ":0") {
		t.Fatalf("issuer = %q, addr = %q; want the real listener address", srv.Issuer(), srv.Addr())
	}
	resp, err := http.Get(srv.Issuer() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz status = %d", resp.StatusCode)
	}
	if err := srv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if resp, err := http.Get(srv.Issuer() + "/healthz"); err == nil {
		resp.Body.Close()
		t.Fatal("server still answers after Close")
	}
}
