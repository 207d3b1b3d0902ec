package token

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Key is one signing key of the set.
type Key struct {
	// ID is the key's kid: its RFC 7638 thumbprint.
	ID string
	// CreatedAt is when the key was generated; zero for a key from a file.
	CreatedAt time.Time
	// RetiredAt is when a newer key took over signing; zero for the
	// current key.
	RetiredAt time.Time

	// keepUntil is when a retired key stops being published.
	keepUntil time.Time
	private   *ecdsa.PrivateKey
}

// Public returns the public half of the key; nil for the zero Key.
func (k Key) Public() *ecdsa.PublicKey {
	if k.private == nil {
		return nil
	}
	return &k.private.PublicKey
}

// newKey generates a P-256 key created at now.
func newKey(now time.Time) (Key, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Key{}, fmt.Errorf("generate signing key: %w", err)
	}
	return keyOf(priv, now)
}

// keyOf wraps priv as a Key whose kid is its thumbprint.
func keyOf(priv *ecdsa.PrivateKey, created time.Time) (Key, error) {
	kid, err := thumbprint(&priv.PublicKey)
	if err != nil {
		return Key{}, err
	}
	return Key{ID: kid, CreatedAt: created, private: priv}, nil
}

// thumbprint returns the RFC 7638 SHA-256 thumbprint of pub, base64url
// encoded: a kid every instance derives alike from the key alone.
func thumbprint(pub *ecdsa.PublicKey) (string, error) {
	jwk := jose.JSONWebKey{Key: pub}
	sum, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("signing key thumbprint: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(sum), nil
}

// published reports whether the key is still in the JWKS at now.
func (k Key) published(now time.Time) bool {
	return k.keepUntil.IsZero() || !now.After(k.keepUntil)
}
