package login

import (
	"net/http"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/websession"
)

// siteKey names where r is served: the cookie scheme and the site. A
// session is honoured only where its site key is the one it was created
// under, so a cookie from another site of the same store, or one issued
// over plain HTTP and replayed as __Host-lockbox over HTTPS, names no
// session. site is the configured site (Lockbox's issuer there: scheme,
// host and prefix); when empty, the request's scheme and Host stand in.
func siteKey(site string, r *http.Request, mode websession.Mode) string {
	scheme := "http"
	if mode == websession.Secure {
		scheme = "https"
	}
	if site == "" {
		site = scheme + "://" + strings.ToLower(r.Host)
	}
	return scheme + " " + site
}

// sessionID is the store id of the session whose cookie is value on the
// site key: the hex SHA-256 of both, so the same value means nothing under
// another key (and the store still holds no live cookie).
func sessionID(value, key string) string {
	// value is always websession.TokenLen characters, so the split is unambiguous.
	return websession.Hash(value + key)
}
