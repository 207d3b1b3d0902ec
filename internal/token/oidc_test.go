package token_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// serveKeys serves the discovery document and JWKS under /_lockbox and
// returns the issuer URL.
func serveKeys(t testing.TB, k *token.Keys) string {
	t.Helper()
	var issuer string
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_lockbox/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(token.Discovery(issuer))
	})
	mux.HandleFunc("GET /_lockbox/jwks.json", func(w http.ResponseWriter, _ *http.Request) {
		jwks, err := k.JWKS()
		if err != nil {
			http.Error(w, "keys unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(jwks)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	issuer = srv.URL + "/_lockbox"
	return issuer
}

func TestGoOIDCVerifies(t *testing.T) {
	clk := newClock()
	k := loadedKeys(t, testkit.Bolt(t), clk)
	issuer := serveKeys(t, k)
	m, err := token.NewMinter(k, token.MinterConfig{Issuer: issuer, Audience: testAudience}, clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	provider, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	config := &oidc.Config{ClientID: testAudience, SupportedSigningAlgs: []string{"ES256"}, Now: clk.Now}
	verifier := provider.Verifier(config)

	sess := session(clk.Now())
	raw, _ := mustToken(t, m, sess)
	idToken, err := verifier.Verify(ctx, raw)
	if err != nil {
		t.Fatalf("go-oidc refused the token: %v", err)
	}
	var claims struct {
		Tenant string `json:"tenant"`
		Act    struct {
			Sub string `json:"sub"`
		} `json:"act"`
	}
	if err := idToken.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if idToken.Subject != "acme" || claims.Tenant != "acme" || claims.Act.Sub != "agent-7" {
		t.Errorf("verified claims: sub %q, %+v", idToken.Subject, claims)
	}

	// After a rotation the published JWKS carries the new key. The check
	// uses a fresh verifier: go-oidc's key set shares one in-flight fetch
	// and can hand a caller the keys fetched before the rotation.
	oldRaw := raw
	mustRotate(t, k, token.DefaultTTL)
	m.Forget(sess.ID)
	raw, _ = mustToken(t, m, sess)
	verifier = oidc.NewVerifier(issuer, oidc.NewRemoteKeySet(ctx, issuer+"/jwks.json"), config)
	if _, err := verifier.Verify(ctx, oldRaw); err != nil {
		t.Fatalf("go-oidc refused a token signed by the retired key: %v", err)
	}
	if _, err := verifier.Verify(ctx, raw); err != nil {
		t.Fatalf("go-oidc refused a token signed after rotation: %v", err)
	}

	clk.Add(token.DefaultTTL + time.Second)
	if _, err := verifier.Verify(ctx, raw); err == nil {
		t.Fatal("go-oidc accepted an expired token")
	}
}
