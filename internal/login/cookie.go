package login

import (
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/problem"
)

// Cookie names. The __Host- prefix (HTTPS only) makes browsers refuse the
// cookie unless it is Secure, host-only and for Path=/, so neither a
// sibling subdomain nor plain HTTP can plant or read it. The plain names
// serve only plain HTTP to a loopback host: the local demo.
const (
	SessionCookieHost  = "__Host-lockbox"
	SessionCookiePlain = "lockbox"
	bindingCookieHost  = "__Host-lockbox-login"
	bindingCookiePlain = "lockbox-login"
)

// cookieMode is how cookies are named and flagged for one request.
type cookieMode int

const (
	cookieRefused cookieMode = iota // plain HTTP to a public host
	cookieSecure                    // HTTPS: __Host- names, Secure
	cookiePlain                     // plain HTTP to loopback: the demo
)

// modeOf decides the cookie mode from the request: TLS, or plain HTTP to
// a loopback Host.
func modeOf(r *http.Request) cookieMode {
	if r.TLS != nil {
		return cookieSecure
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if isLoopbackHost(host) {
		return cookiePlain
	}
	return cookieRefused
}

// names returns the session and binding cookie names of the mode.
func (m cookieMode) names() (session, binding string) {
	if m == cookieSecure {
		return SessionCookieHost, bindingCookieHost
	}
	return SessionCookiePlain, bindingCookiePlain
}

// insecure is the error for an agent login over plain HTTP to a public
// host, where the session cookie could not be kept safe.
func insecure() *problem.Error {
	return problem.New(problem.Invalid, CodeInsecureOrigin,
		"agent sign-in needs HTTPS; plain HTTP is only allowed on a loopback address")
}

// setCookie sets name=value for the mode, expiring after maxAge; a
// negative maxAge deletes the cookie.
func setCookie(w http.ResponseWriter, m cookieMode, name, value string, maxAge time.Duration) {
	c := &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		Secure:   m == cookieSecure,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
	switch {
	case maxAge < 0:
		c.MaxAge = -1
	case maxAge > 0:
		c.MaxAge = max(1, int(maxAge.Round(time.Second)/time.Second))
	}
	http.SetCookie(w, c)
}

// HasCookie reports cheaply, without allocating, whether r carries an
// agent session cookie of the name its scheme uses. It only looks; Get
// decides whether the cookie names a live session.
func HasCookie(r *http.Request) bool {
	name := SessionCookiePlain
	if r.TLS != nil {
		name = SessionCookieHost
	}
	for _, line := range r.Header["Cookie"] {
		if lineHasCookie(line, name) {
			return true
		}
	}
	return false
}

// lineHasCookie reports whether a Cookie header line has a non-empty
// cookie called name.
func lineHasCookie(line, name string) bool {
	for line != "" {
		var pair string
		pair, line, _ = strings.Cut(line, ";")
		pair = strings.TrimLeft(pair, " \t")
		if len(pair) > len(name)+1 && pair[len(name)] == '=' && pair[:len(name)] == name {
			return true
		}
	}
	return false
}

// cookieValue returns the value of the named cookie if it is well formed
// for a token: exactly tokenLen base64url characters. Anything else, of
// any size, is treated as absent.
func cookieValue(r *http.Request, name string) (string, bool) {
	for _, line := range r.Header["Cookie"] {
		for line != "" {
			var pair string
			pair, line, _ = strings.Cut(line, ";")
			v, ok := strings.CutPrefix(strings.TrimSpace(pair), name+"=")
			if ok && isToken(v) {
				return v, true
			}
		}
	}
	return "", false
}
