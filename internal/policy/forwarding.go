package policy

import "net/http"

// routingHeaders are, folded, the client-sent headers that frameworks and
// servers read as the request's real path or origin: Symfony, Laminas and
// IIS rewrite route on X-Original-URL and X-Rewrite-URL; Spring, Traefik
// and nginx setups read X-Forwarded-Prefix, X-Forwarded-Uri,
// X-Forwarded-Path and X-Original-URI; Forwarded (RFC 7239) names the
// client. From an agent none of them is Lockbox's to vouch for.
var routingHeaders = [...]string{
	"x-original-url",
	"x-original-uri",
	"x-rewrite-url",
	"x-forwarded-uri",
	"x-forwarded-prefix",
	"x-forwarded-path",
	"forwarded",
}

// proxyHeaders are, folded and canonical, the X-Forwarded-* headers Caddy's
// reverse proxy sets itself (keeping a trusted proxy's values). Only their
// other spellings are removed, which Caddy would leave beside its own.
var proxyHeaders = [...][2]string{
	{"x-forwarded-for", "X-Forwarded-For"},
	{"x-forwarded-host", "X-Forwarded-Host"},
	{"x-forwarded-proto", "X-Forwarded-Proto"},
}

// StripAgentHeaders deletes, in one pass, what an agent's client could
// send to make the app act on something other than what Lockbox checked:
// the method override headers (as StripMethodOverride), the routing and
// forwarding headers in routingHeaders, and any spelling of
// X-Forwarded-For, -Host and -Proto but the canonical one, which Caddy's
// reverse proxy handles (trusted_proxies included). Names compare as in
// Scrub.
func StripAgentHeaders(h http.Header) {
	for name := range h {
		if isMethodOverride(name) || isRoutingHeader(name) {
			delete(h, name)
		}
	}
}

// isRoutingHeader reports whether name is one of routingHeaders, or a
// non-canonical spelling of one of proxyHeaders.
func isRoutingHeader(name string) bool {
	for _, p := range routingHeaders {
		if foldedEqual(name, p) {
			return true
		}
	}
	for _, p := range proxyHeaders {
		if name != p[1] && foldedEqual(name, p[0]) {
			return true
		}
	}
	return false
}
