package login

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/websession"
)

// Cookie names. Over HTTPS the names carry websession.HostPrefix; the
// plain names serve only plain HTTP to a loopback host: the local demo.
const (
	SessionCookieHost  = websession.HostPrefix + SessionCookiePlain
	SessionCookiePlain = "lockbox"
	bindingCookiePlain = "lockbox-login"
)

// names returns the session and binding cookie names of the mode.
func names(m websession.Mode) (session, binding string) {
	return m.Name(SessionCookiePlain), m.Name(bindingCookiePlain)
}

// insecure is the error for an agent login over plain HTTP to a public
// host, where the session cookie could not be kept safe.
func insecure() *problem.Error {
	return problem.New(problem.Invalid, CodeInsecureOrigin,
		"agent sign-in needs HTTPS; plain HTTP is only allowed on a loopback address")
}

// HasCookie reports cheaply, without allocating, whether r carries an
// agent session cookie of the name its scheme uses. It only looks; Get
// decides whether the cookie names a live session.
func HasCookie(r *http.Request) bool {
	name := SessionCookiePlain
	if websession.IsTLS(r) {
		name = SessionCookieHost
	}
	for _, line := range r.Header["Cookie"] {
		for n, pair := range websession.Pairs(line) {
			if n == name && len(pair) > len(name)+1 {
				return true
			}
		}
	}
	return false
}

// CSRFValid reports, in constant time, whether formToken is the
// session's CSRF token. A nil session or an empty token is never valid.
func CSRFValid(sess *AgentSession, formToken string) bool {
	return sess != nil && websession.Equal(sess.CSRF, formToken)
}
