// Package websession holds what Lockbox's browser sessions share: the
// random tokens behind session cookies, CSRF tokens and login states,
// how session cookies are named, set and read for a request's scheme, and
// the cross-origin checks in front of every state-changing form. The
// agent login (internal/login) and the admin page (internal/adminlink,
// internal/adminpage) both use it.
package websession

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
)

// TokenLen is the length of a token: 32 random bytes, base64url without
// padding.
const TokenLen = 43

// NewToken returns 256 random bits as base64url. crypto/rand.Read never
// fails (it aborts the program if the system's source breaks).
func NewToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// IsToken reports whether s has the form of a token, so garbage never
// reaches the store.
func IsToken(s string) bool {
	if len(s) != TokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
		if !ok {
			return false
		}
	}
	return true
}

// Hash returns the hex SHA-256 of a token: the store keeps hashes, so
// reading the store does not give out live cookies or states.
func Hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Equal compares two secrets, such as a session's CSRF token and the one
// a form carried, in constant time; empty never matches.
func Equal(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
