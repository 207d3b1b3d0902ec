package policy

import (
	"net/url"
	"strings"
)

// OwnOrigin reports whether origin, the value of a request's one Origin
// header, is the origin the request was sent to: scheme ("http" or
// "https") and host (the Host header, port included), compared without
// case and without the scheme's default port. An empty value, "null",
// several values, user info, a path, a query or anything unparsable is
// not.
func OwnOrigin(origin, scheme, host string) bool {
	if origin == "" || origin == "null" || strings.ContainsAny(origin, ", \t") {
		return false
	}
	u, err := url.Parse(origin)
	if err != nil || u.Opaque != "" || u.User != nil || u.Host == "" ||
		u.Path != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return false
	}
	return strings.EqualFold(u.Scheme, scheme) &&
		strings.EqualFold(withoutDefaultPort(u.Host, scheme), withoutDefaultPort(host, scheme))
}

// withoutDefaultPort drops ":443" from an https host and ":80" from an
// http one, as browsers do in Origin.
func withoutDefaultPort(host, scheme string) string {
	if strings.EqualFold(scheme, "https") {
		return strings.TrimSuffix(host, ":443")
	}
	return strings.TrimSuffix(host, ":80")
}

// CodeForeignOrigin is the refusal of an agent's WebSocket upgrade whose
// Origin is missing or not the site's own: a page elsewhere would get a
// live connection with the agent's identity.
const CodeForeignOrigin = "foreign_origin"
