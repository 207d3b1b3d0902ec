package adminlink

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net"
	"net/http"
	"strings"
	"time"
)

// Cookie names of the admin session. The __Host- prefix (HTTPS only)
// makes browsers refuse the cookie unless it is Secure, host-only and for
// Path=/. The plain name serves only plain HTTP to a loopback host: the
// local demo. Both start like the agents' cookie names, so the gateway's
// cookie stripping keeps them from the app too.
const (
	CookieHost  = "__Host-lockbox-admin"
	CookiePlain = "lockbox-admin"
)

// valueLen is the length of a cookie value or CSRF token: 32 random
// bytes, base64url without padding.
const valueLen = 43

// cookieName returns the cookie name for r's scheme; ok is false for
// plain HTTP to a host that is not loopback.
func cookieName(r *http.Request) (string, bool) {
	if r.TLS != nil {
		return CookieHost, true
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if strings.EqualFold(host, "localhost") {
		return CookiePlain, true
	}
	ip := net.ParseIP(host)
	return CookiePlain, ip != nil && ip.IsLoopback()
}

// setCookie sets the session cookie, HttpOnly and SameSite=Lax (which
// still sends it on the top-level GET of a link clicked in an email); a
// non-positive maxAge deletes it.
func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	c := &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		Secure:   r.TLS != nil,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		MaxAge:   -1,
	}
	if maxAge > 0 {
		c.MaxAge = max(1, int(maxAge/time.Second))
	}
	http.SetCookie(w, c)
}

// cookieValue returns r's well-formed session cookie value, if any; a
// value of any other shape is treated as absent.
func cookieValue(r *http.Request) (string, bool) {
	name, ok := cookieName(r)
	if !ok {
		return "", false
	}
	for _, c := range r.CookiesNamed(name) {
		if isValue(c.Value) {
			return c.Value, true
		}
	}
	return "", false
}

// newValue returns 256 random bits as base64url.
func newValue() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

func isValue(s string) bool {
	if len(s) != valueLen {
		return false
	}
	_, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil
}

// hashValue is the store id of a session: reading the store gives out no
// live cookie.
func hashValue(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
