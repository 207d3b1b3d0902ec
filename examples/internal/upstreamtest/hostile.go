package upstreamtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
)

// Forgery is one token an app must refuse, sent with the tenant header
// it names.
type Forgery struct {
	Name   string
	Token  string
	Tenant string
}

// attacker serves the foreign key where jku and x5u headers point, and
// counts the fetches: an app that follows them has already lost.
type attacker struct {
	srv     *httptest.Server
	fetches atomic.Int64
}

func newAttacker(t *testing.T, jwks, certPEM []byte) *attacker {
	t.Helper()
	a := &attacker{}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.fetches.Add(1)
		if strings.HasSuffix(r.URL.Path, ".pem") {
			_, _ = w.Write(certPEM)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(jwks)
	}))
	t.Cleanup(a.srv.Close)
	return a
}

// forger makes tokens from the real one: with its claims changed and
// signed with the gateway's own key, or signed with keys and algorithms
// the app must not accept.
type forger struct {
	t       *testing.T
	header  map[string]any
	claims  jwt.MapClaims
	real    *ecdsa.PrivateKey
	foreign *ecdsa.PrivateKey
	evil    *attacker
}

func newForger(t *testing.T, raw string, real *ecdsa.PrivateKey) *forger {
	t.Helper()
	claims := jwt.MapClaims{}
	tok, _, err := jwt.NewParser().ParseUnverified(raw, claims)
	if err != nil {
		t.Fatalf("the token Lockbox sent does not parse: %v", err)
	}
	foreign, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	f := &forger{t: t, header: tok.Header, claims: claims, real: real, foreign: foreign}
	jwks, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{f.foreignJWK()}})
	if err != nil {
		t.Fatal(err)
	}
	f.evil = newAttacker(t, jwks, f.foreignCert())
	return f
}

// Forgeries returns the hostile tokens, each named for what it tries.
func (f *forger) Forgeries() []Forgery {
	now := time.Now()
	aud, err := f.claims.GetAudience()
	if err != nil || len(aud) != 1 {
		f.t.Fatalf("the token Lockbox sent has not one audience: %v", f.claims["aud"])
	}
	kid := f.header["kid"]
	foreignKid := f.foreignKid()
	return []Forgery{
		{Name: "alg none", Token: f.unsigned(map[string]any{"alg": "none", "typ": "JWT", "kid": kid}, f.claims)},
		{Name: "HS256 keyed with the public key's PEM", Token: f.hmac(f.publicPEM())},
		{Name: "HS256 keyed with the public key's JWK", Token: f.hmac(f.publicJWK())},
		{Name: "foreign key under the gateway's kid", Token: f.sign(f.foreign, map[string]any{"kid": kid}, nil)},
		{Name: "foreign key named by jku", Token: f.sign(f.foreign, map[string]any{"kid": foreignKid, "jku": f.evil.srv.URL + "/jwks.json"}, nil)},
		{Name: "foreign key named by x5u", Token: f.sign(f.foreign, map[string]any{"kid": foreignKid, "x5u": f.evil.srv.URL + "/cert.pem"}, nil)},
		{Name: "foreign key embedded as jwk", Token: f.sign(f.foreign, map[string]any{"kid": foreignKid, "jwk": f.foreignJWK()}, nil)},
		{Name: "expired", Token: f.sign(f.real, nil, jwt.MapClaims{
			"iat": now.Add(-2 * time.Hour).Unix(), "nbf": now.Add(-2 * time.Hour).Unix(), "exp": now.Add(-time.Hour).Unix()})},
		{Name: "extra audience", Token: f.sign(f.real, nil, jwt.MapClaims{"aud": []string{aud[0], "other.example"}})},
		{Name: "other audience", Token: f.sign(f.real, nil, jwt.MapClaims{"aud": "other.example"})},
		{Name: "other issuer", Token: f.sign(f.real, nil, jwt.MapClaims{"iss": "https://evil.example/_lockbox"})},
		{Name: "another token type", Token: f.sign(f.real, map[string]any{"typ": "lockbox-admin+jwt"}, nil)},
		{Name: "no token type", Token: f.sign(f.real, map[string]any{"typ": nil}, nil)},
		{Name: "claims changed under the real signature", Token: f.swapClaims(jwt.MapClaims{"tenant": "globex", "sub": "globex"}), Tenant: "globex"},
		{Name: "not a JWT", Token: "e30.e30.AAAA"},
		{Name: "tenant header disagrees", Token: f.realToken(), Tenant: "globex"},
	}
}

// realToken re-signs the real claims and header with the gateway's key:
// the control that shows the forgeries fail for what they change.
func (f *forger) realToken() string { return f.sign(f.real, nil, nil) }

// sign signs the real claims with key after applying the changes; a nil
// value in header deletes that header.
func (f *forger) sign(key *ecdsa.PrivateKey, header map[string]any, changes jwt.MapClaims) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, f.changed(changes))
	for k, v := range f.header {
		if k != "alg" {
			tok.Header[k] = v
		}
	}
	for k, v := range header {
		if v == nil {
			delete(tok.Header, k)
		} else {
			tok.Header[k] = v
		}
	}
	raw, err := tok.SignedString(key)
	if err != nil {
		f.t.Fatal(err)
	}
	return raw
}

// hmac signs the real claims with HS256 keyed with secret, the
// key-confusion attack on apps that take the algorithm from the token.
func (f *forger) hmac(secret []byte) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, f.claims)
	tok.Header["kid"] = f.header["kid"]
	raw, err := tok.SignedString(secret)
	if err != nil {
		f.t.Fatal(err)
	}
	return raw
}

// unsigned encodes header and claims with an empty signature.
func (f *forger) unsigned(header map[string]any, claims jwt.MapClaims) string {
	return f.segment(header) + "." + f.segment(claims) + "."
}

// swapClaims puts changed claims under the real token's header and a
// signature over the original claims.
func (f *forger) swapClaims(changes jwt.MapClaims) string {
	parts := strings.Split(f.realToken(), ".")
	parts[1] = f.segment(f.changed(changes))
	return strings.Join(parts, ".")
}

func (f *forger) changed(changes jwt.MapClaims) jwt.MapClaims {
	c := jwt.MapClaims{}
	for k, v := range f.claims {
		c[k] = v
	}
	for k, v := range changes {
		c[k] = v
	}
	return c
}

func (f *forger) segment(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		f.t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func (f *forger) publicPEM() []byte {
	der, err := x509.MarshalPKIXPublicKey(&f.real.PublicKey)
	if err != nil {
		f.t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func (f *forger) publicJWK() []byte {
	b, err := json.Marshal(jose.JSONWebKey{Key: &f.real.PublicKey, KeyID: f.header["kid"].(string), Algorithm: "ES256", Use: "sig"})
	if err != nil {
		f.t.Fatal(err)
	}
	return b
}

func (f *forger) foreignJWK() jose.JSONWebKey {
	return jose.JSONWebKey{Key: &f.foreign.PublicKey, KeyID: f.foreignKid(), Algorithm: "ES256", Use: "sig"}
}

func (f *forger) foreignKid() string {
	tp, err := (&jose.JSONWebKey{Key: &f.foreign.PublicKey}).Thumbprint(crypto.SHA256)
	if err != nil {
		f.t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(tp)
}

// foreignCert is a self-signed certificate of the foreign key, for x5u.
func (f *forger) foreignCert() []byte {
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &f.foreign.PublicKey, f.foreign)
	if err != nil {
		f.t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
