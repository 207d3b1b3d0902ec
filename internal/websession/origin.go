package websession

import (
	"net/http"
	"net/url"
	"strings"
)

// CrossOrigin is the first check in front of a state-changing browser
// route: net/http's CrossOriginProtection, which refuses a non-GET,
// -HEAD or -OPTIONS request a browser marks as cross-site
// (Sec-Fetch-Site) or whose Origin names another host, answering with
// deny. The session's CSRF token is the second check, in the handler.
func CrossOrigin(h, deny http.Handler) http.Handler {
	p := http.NewCrossOriginProtection()
	p.SetDenyHandler(deny)
	return p.Handler(h)
}

// SameOrigin reports whether r comes from a page of its own origin: the
// Origin header, or the Referer when Origin is absent, must have r's
// scheme and host (default ports ignored). With neither header, only GET
// and HEAD pass; "Origin: null" never does.
func SameOrigin(r *http.Request) bool {
	src := r.Header.Get("Origin")
	if src == "" {
		src = r.Header.Get("Referer")
	}
	if src == "" {
		return r.Method == http.MethodGet || r.Method == http.MethodHead
	}
	u, err := url.Parse(src)
	if err != nil || u.Host == "" || u.Opaque != "" || u.User != nil {
		return false
	}
	scheme := Scheme(r)
	return strings.EqualFold(u.Scheme, scheme) &&
		strings.EqualFold(withoutDefaultPort(u.Host, scheme), withoutDefaultPort(r.Host, scheme))
}

// withoutDefaultPort drops ":443" from an https host and ":80" from an
// http one, as browsers do in Origin.
func withoutDefaultPort(host, scheme string) string {
	if scheme == "https" {
		return strings.TrimSuffix(host, ":443")
	}
	return strings.TrimSuffix(host, ":80")
}
