package adminlink

import (
	"net/http"
	"time"

	"github.com/lockbox-gw/lockbox/internal/websession"
)

// Cookie names of the admin session: over HTTPS with
// websession.HostPrefix, plain only over plain HTTP to a loopback host
// (the local demo). Both start like the agents' cookie names, so the
// gateway's cookie stripping keeps them from the app too.
const (
	CookieHost  = websession.HostPrefix + CookiePlain
	CookiePlain = "lockbox-admin"
)

// cookieName returns the cookie name for r's scheme; ok is false for
// plain HTTP to a host that is not loopback.
func cookieName(r *http.Request) (string, bool) {
	m := websession.ModeOf(r)
	return m.Name(CookiePlain), m != websession.Refused
}

// setCookie sets the session cookie; a non-positive maxAge deletes it.
func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	if maxAge <= 0 {
		maxAge = -1
	}
	websession.SetCookie(w, websession.ModeOf(r), name, value, maxAge)
}

// cookieValue returns r's well-formed session cookie value, if any; a
// value of any other shape is treated as absent.
func cookieValue(r *http.Request) (string, bool) {
	name, ok := cookieName(r)
	if !ok {
		return "", false
	}
	return websession.Value(r, name)
}
