package login

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
)

// tokenLen is the length of a token: 32 random bytes, base64url without
// padding.
const tokenLen = 43

// newToken returns 256 random bits as base64url. crypto/rand.Read never
// fails (it aborts the program if the system's source breaks).
func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// isToken reports whether s has the form of a token, so garbage never
// reaches the store.
func isToken(s string) bool {
	if len(s) != tokenLen {
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

// hashToken returns the hex SHA-256 of a token: the store keeps hashes, so
// reading the store does not give out live cookies or states.
func hashToken(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// equal compares two secrets in constant time; empty never matches.
func equal(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
