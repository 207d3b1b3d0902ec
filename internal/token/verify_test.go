package token_test

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// TestVerifyRecipeRefuses checks that the recipe apps copy (verifyToken)
// refuses forged and malformed tokens. The signing key comes from a PEM
// file so the test can sign arbitrary claims with it.
func TestVerifyRecipeRefuses(t *testing.T) {
	clk := newClock()
	priv := newP256(t)
	k := token.NewKeys(testkit.Bolt(t), clk.Now)
	if err := k.LoadPEM(writePEM(t, pkcs8PEM(t, priv))); err != nil {
		t.Fatal(err)
	}
	kid := signerID(t, k)
	jwks, err := k.JWKS()
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := publicPEM(t, &priv.PublicKey)
	now := clk.Now().Unix()
	claims := func(edit func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{
			"iss": testIssuer, "aud": testAudience, "sub": "acme", "tenant": "acme",
			"act":   map[string]any{"sub": "agent-7", "iss": "https://login.example.com"},
			"scope": "read", "sid": "s_1", "grant": "g_1",
			"iat": now, "nbf": now, "exp": now + 300, "jti": "j1",
		}
		edit(c)
		return c
	}
	keep := func(jwt.MapClaims) {}
	es256 := func(edit func(jwt.MapClaims)) string { return sign(t, jwt.SigningMethodES256, kid, priv, claims(edit)) }
	valid := es256(keep)
	tests := []struct {
		name string
		raw  string
		want string // part of the error; empty: accepted
	}{
		{name: "valid", raw: valid},
		{name: "alg none", raw: sign(t, jwt.SigningMethodNone, kid, jwt.UnsafeAllowNoneSignatureType, claims(keep)), want: "signing method none is invalid"},
		{name: "HS256 keyed with the public key PEM", raw: sign(t, jwt.SigningMethodHS256, kid, pubPEM, claims(keep)), want: "signing method HS256 is invalid"},
		{name: "HS256 keyed with the JWKS", raw: sign(t, jwt.SigningMethodHS256, kid, jwks, claims(keep)), want: "signing method HS256 is invalid"},
		{name: "another key under our kid", raw: sign(t, jwt.SigningMethodES256, kid, newP256(t), claims(keep)), want: "signature is invalid"},
		{name: "unknown kid", raw: sign(t, jwt.SigningMethodES256, "other", priv, claims(keep)), want: "unknown kid"},
		{name: "tampered payload", raw: tamper(t, valid, "tenant", "globex"), want: "signature is invalid"},
		{name: "wrong issuer", raw: es256(func(c jwt.MapClaims) { c["iss"] = "https://evil.example/_lockbox" }), want: "invalid issuer"},
		{name: "wrong audience", raw: es256(func(c jwt.MapClaims) { c["aud"] = "other.example.com" }), want: "invalid audience"},
		{name: "expired", raw: es256(func(c jwt.MapClaims) { c["exp"] = now - 1 }), want: "token is expired"},
		{name: "not yet valid", raw: es256(func(c jwt.MapClaims) { c["nbf"] = now + 60 }), want: "token is not valid yet"},
		{name: "no expiry", raw: es256(func(c jwt.MapClaims) { delete(c, "exp") }), want: "exp claim is required"},
		{name: "break_glass as a string", raw: es256(func(c jwt.MapClaims) { c["break_glass"] = "true" }), want: "cannot unmarshal"},
		{name: "break-glass with a grant", raw: es256(func(c jwt.MapClaims) { c["break_glass"] = true }), want: "grant exactly when"},
		{name: "grant missing", raw: es256(func(c jwt.MapClaims) { delete(c, "grant") }), want: "grant exactly when"},
		{name: "sub is not the tenant", raw: es256(func(c jwt.MapClaims) { c["sub"] = "globex" }), want: "sub and tenant differ"},
		{name: "no act", raw: es256(func(c jwt.MapClaims) { delete(c, "act") }), want: "act.sub or sid missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := verifyToken(tt.raw, jwks, testIssuer, testAudience, clk.Now)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestVerifyRecipeExpiry(t *testing.T) {
	clk := newClock()
	k := loadedKeys(t, testkit.Bolt(t), clk)
	raw, exp := mustToken(t, newMinter(t, k, clk), session(clk.Now()))
	jwks, _ := k.JWKS()
	at := func(when time.Time) func() time.Time { return func() time.Time { return when } }
	if _, err := verifyToken(raw, jwks, testIssuer, testAudience, at(exp.Add(-time.Second))); err != nil {
		t.Fatalf("refused a second before expiry: %v", err)
	}
	if _, err := verifyToken(raw, jwks, testIssuer, testAudience, at(exp.Add(time.Second))); err == nil {
		t.Fatal("accepted after expiry")
	}
	if _, err := verifyToken(raw, jwks, testIssuer, testAudience, at(clk.Now().Add(-time.Second))); err == nil {
		t.Fatal("accepted before it was issued")
	}
}

func sign(t testing.TB, method jwt.SigningMethod, kid string, key any, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	tok.Header["kid"] = kid
	raw, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("sign %s: %v", method.Alg(), err)
	}
	return raw
}

func publicPEM(t testing.TB, pub *ecdsa.PublicKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// tamper changes one claim of a signed token and keeps its signature.
func tamper(t testing.TB, raw, claim string, value any) string {
	t.Helper()
	_, payload := segments(t, raw)
	edited := maps.Clone(payload)
	edited[claim] = value
	b, err := json.Marshal(edited)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(raw, ".")
	parts[1] = base64.RawURLEncoding.EncodeToString(b)
	return strings.Join(parts, ".")
}
