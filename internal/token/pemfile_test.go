package token_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/token"
)

func newP256(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	return newEC(t, elliptic.P256())
}

func newEC(t testing.TB, curve elliptic.Curve) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func pkcs8PEM(t testing.TB, key any) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func sec1PEM(t testing.TB, key *ecdsa.PrivateKey) []byte {
	t.Helper()
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})
}

// writePEM writes data to a fresh key file and returns its path.
func writePEM(t testing.TB, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "signing.pem")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func thumbprintOf(t testing.TB, pub *ecdsa.PublicKey) string {
	t.Helper()
	jwk := jose.JSONWebKey{Key: pub}
	sum, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(sum)
}

func TestLoadPEM(t *testing.T) {
	key := newP256(t)
	params := pem.EncodeToMemory(&pem.Block{Type: "EC PARAMETERS", Bytes: []byte{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}})
	tests := []struct {
		name string
		data []byte
	}{
		{name: "PKCS#8", data: pkcs8PEM(t, key)},
		{name: "SEC 1", data: sec1PEM(t, key)},
		{name: "SEC 1 after EC PARAMETERS", data: append(params, sec1PEM(t, key)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			k := token.NewKeys(testkit.Bolt(t), clk.Now)
			if err := k.LoadPEM(writePEM(t, tt.data)); err != nil {
				t.Fatalf("LoadPEM: %v", err)
			}
			want := thumbprintOf(t, &key.PublicKey)
			if got := signerID(t, k); got != want {
				t.Fatalf("kid = %q, want the thumbprint %q", got, want)
			}
			wantKids(t, k, want)
			raw, _ := mustToken(t, newMinter(t, k, clk), session(clk.Now()))
			jwks, _ := k.JWKS()
			if _, err := verifyToken(raw, jwks, testIssuer, testAudience, clk.Now); err != nil {
				t.Fatalf("token signed with the file's key: %v", err)
			}
		})
	}
}

func TestLoadPEMIgnoresInvalidate(t *testing.T) {
	s := testkit.Bolt(t)
	k := token.NewKeys(s, nil)
	if err := k.LoadPEM(writePEM(t, pkcs8PEM(t, newP256(t)))); err != nil {
		t.Fatal(err)
	}
	kid := signerID(t, k)
	k.Invalidate()
	if got := signerID(t, k); got != kid {
		t.Fatal("Invalidate replaced the key from the file")
	}
	if _, err := s.GetRecord(testCtx(t), "keys", "signing"); err == nil {
		t.Fatal("a key from a file was written to the store")
	}
}

func TestLoadPEMRefuses(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p256 := newP256(t)
	pubDER, err := x509.MarshalPKIXPublicKey(&p256.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	secretBytes := []byte("not-a-key-but-secret-material-0123456789")
	block := func(typ string, b []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}) }
	tests := []struct {
		name string
		data []byte // nil: no file
		want string
	}{
		{name: "missing file", want: "no such file"},
		{name: "empty file", data: []byte{}, want: "no PEM-encoded private key"},
		{name: "garbage", data: []byte("secret-material-0123456789\n"), want: "no PEM-encoded private key"},
		{name: "RSA PKCS#1", data: block("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey)), want: "RSA keys are not supported"},
		{name: "RSA PKCS#8", data: pkcs8PEM(t, rsaKey), want: "RSA keys are not supported"},
		{name: "Ed25519", data: pkcs8PEM(t, edKey), want: "use an EC P-256 key"},
		{name: "P-384", data: pkcs8PEM(t, newEC(t, elliptic.P384())), want: "curve P-384; ES256 needs P-256"},
		{name: "P-521 SEC 1", data: sec1PEM(t, newEC(t, elliptic.P521())), want: "curve P-521"},
		{name: "public key", data: block("PUBLIC KEY", pubDER), want: `"PUBLIC KEY" PEM block, not a private key`},
		{name: "bad PKCS#8", data: block("PRIVATE KEY", secretBytes), want: "not a valid PKCS#8 key"},
		{name: "bad SEC 1", data: block("EC PRIVATE KEY", secretBytes), want: "not a valid SEC 1 key"},
		{name: "encrypted PKCS#8", data: block("ENCRYPTED PRIVATE KEY", secretBytes), want: "encrypted"},
		{name: "legacy encrypted", data: pem.EncodeToMemory(&pem.Block{
			Type: "EC PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED"}, Bytes: secretBytes,
		}), want: "encrypted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "missing.pem")
			if tt.data != nil {
				path = writePEM(t, tt.data)
			}
			err := token.NewKeys(testkit.Bolt(t), nil).LoadPEM(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("LoadPEM error = %v, want one containing %q", err, tt.want)
			}
			for _, secret := range []string{"secret-material", base64.StdEncoding.EncodeToString(secretBytes)[:20]} {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error quotes the file: %v", err)
				}
			}
		})
	}
}
