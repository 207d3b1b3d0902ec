package devidp

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// signingKey is the provider's RS256 key, generated at startup and never
// stored: relying parties fetch it from the JWKS endpoint.
type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

// newSigningKey generates a fresh RSA key with a random key id. RS256 is
// the algorithm every OpenID relying party must accept.
func newSigningKey() (*signingKey, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generating signing key: %v", err)
	}
	return &signingKey{id: rand.Text(), key: key}, nil
}

// SignatureAlgorithm is RS256.
func (k *signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }

// Key returns the private key.
func (k *signingKey) Key() any { return k.key }

// ID returns the key id (kid).
func (k *signingKey) ID() string { return k.id }

// publicKey is the published half of a signingKey.
type publicKey struct{ k *signingKey }

// ID returns the key id (kid).
func (p publicKey) ID() string { return p.k.id }

// Algorithm is RS256.
func (p publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }

// Use is "sig".
func (p publicKey) Use() string { return "sig" }

// Key returns the public key.
func (p publicKey) Key() any { return &p.k.key.PublicKey }

// SigningKey returns the key ID tokens are signed with.
func (s *storage) SigningKey(context.Context) (op.SigningKey, error) { return s.key, nil }

// SignatureAlgorithms lists the one algorithm in use.
func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{s.key.SignatureAlgorithm()}, nil
}

// KeySet returns the published keys.
func (s *storage) KeySet(context.Context) ([]op.Key, error) {
	return []op.Key{publicKey{s.key}}, nil
}

var (
	_ op.SigningKey = (*signingKey)(nil)
	_ op.Key        = publicKey{}
)
