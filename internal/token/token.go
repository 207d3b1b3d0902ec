// Package token signs the impersonation JWT that Lockbox hands to the
// upstream app, and publishes what the app needs to verify it: the JWKS and
// an OpenID discovery document.
//
// The signing keys (ECDSA P-256, ES256) are generated on first start and
// kept in the store under kind "keys", id "signing", so every instance
// signs with the same keys; or they come from a PEM file. Rotation adds a
// new signing key and keeps publishing the old one until the tokens it
// signed have expired.
package token

import "errors"

// Errors callers may test with errors.Is.
var (
	// ErrSessionOver means the session has ended, or ends too soon for a
	// token to be worth minting.
	ErrSessionOver = errors.New("the impersonation session has ended")
	// ErrFixedKey means the signing key comes from a PEM file, so it is
	// not rotated here: replace the file instead.
	ErrFixedKey = errors.New("the signing key comes from a PEM file; rotate it by replacing the file")
)

// Algorithm is the JWS algorithm of every token and key.
const Algorithm = "ES256"
