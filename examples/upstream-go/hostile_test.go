package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
)

// testAudience is the app's audience in these tests.
const testAudience = "app.example.test"

// newP256 returns a fresh P-256 key.
func newP256(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// writePEM writes key as a PKCS #8 PEM file, as signing_key_file takes it.
func writePEM(t *testing.T, key *ecdsa.PrivateKey) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "signing.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// attacker serves an attacker's JWKS and counts the requests it gets:
// a token's jku or x5u header must never make the app fetch it.
type attacker struct {
	key  *ecdsa.PrivateKey
	srv  *httptest.Server
	hits atomic.Int64
}

func newAttacker(t *testing.T) *attacker {
	t.Helper()
	a := &attacker{key: newP256(t)}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		a.hits.Add(1)
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{a.jwk("attacker")}})
	}))
	t.Cleanup(a.srv.Close)
	return a
}

// jwk is the attacker's public key as a JWK with kid.
func (a *attacker) jwk(kid string) jose.JSONWebKey {
	return jose.JSONWebKey{Key: &a.key.PublicKey, KeyID: kid, Algorithm: "ES256", Use: "sig"}
}

// goodClaims are the claims of a valid token for acme, as Lockbox mints
// them.
func goodClaims(issuer string, now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iss": issuer, "aud": testAudience, "sub": "acme", "tenant": "acme",
		"act":   map[string]any{"sub": "bob", "email": "bob@support.example"},
		"scope": "read", "sid": "s_acme", "grant": "g_1", "jti": "j1",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
	}
}

// sign signs claims with method and key; header adds to or replaces the
// JOSE header (a nil value removes a field).
func sign(t *testing.T, method jwt.SigningMethod, key any, header map[string]any, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	for k, v := range header {
		if v == nil {
			delete(tok.Header, k)
			continue
		}
		tok.Header[k] = v
	}
	raw, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// unsigned is an alg "none" token: header and claims, no signature.
func unsigned(t *testing.T, header map[string]any, claims jwt.MapClaims) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(header) + "." + enc(claims) + "."
}

// TestHostileTokens: only a token Lockbox could have minted for this app
// alone passes. Each hostile token differs from a valid one (the first
// rows) in one way, so each row fails for its own reason.
func TestHostileTokens(t *testing.T) {
	gw := newP256(t)
	issuer, mint, kid := fakeGatewayWithKey(t, writePEM(t, gw))
	evil := newAttacker(t)
	pubPEM, err := x509.MarshalPKIXPublicKey(&gw.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	good := goodClaims(issuer, now)
	with := func(k string, v any) jwt.MapClaims {
		c := jwt.MapClaims{}
		for name, val := range good {
			c[name] = val
		}
		c[k] = v
		return c
	}
	es256 := func(header map[string]any, claims jwt.MapClaims) string {
		return sign(t, jwt.SigningMethodES256, gw, header, claims)
	}
	kidOnly := map[string]any{"kid": kid}
	tests := []struct {
		name  string
		token string
		ok    bool
	}{
		{name: "minted by Lockbox", token: mint("acme"), ok: true},
		{name: "same claims signed with the gateway's key", token: es256(kidOnly, good), ok: true},
		{name: "one audience as a list", token: es256(kidOnly, with("aud", []string{testAudience})), ok: true},

		{name: "alg none", token: unsigned(t, map[string]any{"alg": "none", "typ": "JWT", "kid": kid}, good)},
		{name: "alg none, upper case", token: unsigned(t, map[string]any{"alg": "NONE", "typ": "JWT", "kid": kid}, good)},
		{name: "HS256 keyed with the public key (DER)", token: sign(t, jwt.SigningMethodHS256, pubPEM, kidOnly, good)},
		{name: "HS256 keyed with the public key (PEM)", token: sign(t, jwt.SigningMethodHS256,
			pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubPEM}), kidOnly, good)},
		{name: "foreign key, the gateway's kid", token: sign(t, jwt.SigningMethodES256, evil.key, kidOnly, good)},
		{name: "foreign key in a jwk header", token: sign(t, jwt.SigningMethodES256, evil.key,
			map[string]any{"kid": "attacker", "jwk": evil.jwk("attacker")}, good)},
		{name: "foreign key behind a jku header", token: sign(t, jwt.SigningMethodES256, evil.key,
			map[string]any{"kid": "attacker", "jku": evil.srv.URL + "/jwks.json"}, good)},
		{name: "foreign key behind an x5u header", token: sign(t, jwt.SigningMethodES256, evil.key,
			map[string]any{"kid": "attacker", "x5u": evil.srv.URL + "/cert.pem"}, good)},
		{name: "expired", token: es256(kidOnly, with("exp", now.Add(-time.Minute).Unix()))},
		{name: "not yet valid", token: es256(kidOnly, with("nbf", now.Add(time.Hour).Unix()))},
		{name: "extra audience", token: es256(kidOnly, with("aud", []string{testAudience, "attacker.example"}))},
		{name: "extra audience first", token: es256(kidOnly, with("aud", []string{"attacker.example", testAudience}))},
		{name: "same audience twice", token: es256(kidOnly, with("aud", []string{testAudience, testAudience}))},
		{name: "other audience", token: es256(kidOnly, with("aud", "attacker.example"))},
		{name: "no audience", token: es256(kidOnly, with("aud", []string{}))},
		{name: "other issuer", token: es256(kidOnly, with("iss", "https://attacker.example/_lockbox"))},
		{name: "typ of an access token", token: es256(map[string]any{"kid": kid, "typ": "at+jwt"}, good)},
		{name: "no typ", token: es256(map[string]any{"kid": kid, "typ": nil}, good)},
		{name: "no tenant", token: es256(kidOnly, with("tenant", ""))},
	}
	l := &lockbox{issuer: issuer, audience: testAudience, client: &http.Client{Timeout: 5 * time.Second}}
	h := l.middleware(http.HandlerFunc(whoami))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Header.Set("X-Lockbox-Tenant", "acme")
			r.Header.Set("X-Lockbox-Token", tt.token)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			want := http.StatusForbidden
			if tt.ok {
				want = http.StatusOK
			}
			if w.Code != want {
				t.Fatalf("status %d, want %d: %s", w.Code, want, w.Body)
			}
		})
	}
	if n := evil.hits.Load(); n != 0 {
		t.Errorf("the app fetched the attacker's keys %d times", n)
	}
}
