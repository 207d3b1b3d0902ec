package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/store/boltstore"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// fakeGateway publishes real Lockbox keys and discovery document over
// loopback and mints tokens as Lockbox does.
func fakeGateway(t *testing.T) (issuer string, mint func(tenant string) string) {
	t.Helper()
	issuer, mint, _ = fakeGatewayWithKey(t, "")
	return issuer, mint
}

// fakeGatewayWithKey is fakeGateway signing with the key in pemFile, as
// with signing_key_file, so a test can sign tokens of its own with the
// same key; "" generates one. It also returns the key's id.
func fakeGatewayWithKey(t *testing.T, pemFile string) (issuer string, mint func(tenant string) string, kid string) {
	t.Helper()
	db, err := boltstore.Open(filepath.Join(t.TempDir(), "lockbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	keys := token.NewKeys(db, nil)
	if pemFile != "" {
		if err := keys.LoadPEM(pemFile); err != nil {
			t.Fatal(err)
		}
	}
	signer, err := keys.Signer()
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	issuer = srv.URL + "/_lockbox"
	mux.HandleFunc("/_lockbox/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write(token.Discovery(issuer))
	})
	mux.HandleFunc("/_lockbox/jwks.json", func(w http.ResponseWriter, _ *http.Request) {
		b, _ := keys.JWKS()
		_, _ = w.Write(b)
	})
	minter, err := token.NewMinter(keys, token.MinterConfig{Issuer: issuer, Audience: testAudience}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return issuer, func(tenant string) string {
		raw, _, err := minter.Token(store.Session{
			ID: "s_" + tenant, Tenant: tenant, Grant: "g_1", Scopes: []string{"read", "write"},
			Agent: store.Agent{Subject: "bob", Email: "bob@support.example"}, EndsAt: time.Now().Add(time.Hour),
		})
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}, signer.ID
}

func TestMiddleware(t *testing.T) {
	issuer, mint := fakeGateway(t)
	l := &lockbox{issuer: issuer, audience: "app.example.test", client: &http.Client{Timeout: 5 * time.Second}}
	h := l.middleware(http.HandlerFunc(whoami))
	tests := []struct {
		name    string
		headers map[string]string
		status  int
		want    string
	}{
		{name: "ordinary traffic", status: http.StatusOK, want: `{"agent":null}`},
		{name: "agent", headers: map[string]string{"X-Lockbox-Tenant": "acme", "X-Lockbox-Token": mint("acme")},
			status: http.StatusOK, want: `"tenant":"acme","agent":"bob@support.example","agent_sub":"bob","scopes":["read","write"]`},
		{name: "headers without a token", headers: map[string]string{"X-Lockbox-Tenant": "acme"}, status: http.StatusForbidden},
		{name: "forged token", headers: map[string]string{"X-Lockbox-Tenant": "acme", "X-Lockbox-Token": "e30.e30.AAAA"}, status: http.StatusForbidden},
		{name: "tenant header disagrees", headers: map[string]string{"X-Lockbox-Tenant": "globex", "X-Lockbox-Token": mint("acme")}, status: http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			if tt.want != "" && !strings.Contains(w.Body.String(), tt.want) {
				t.Errorf("body %s lacks %s", w.Body, tt.want)
			}
			if w.Code == http.StatusOK && !json.Valid(w.Body.Bytes()) {
				t.Errorf("body is not JSON: %s", w.Body)
			}
		})
	}
}
