package websession

import (
	"context"
	"net/http"
	"strings"
)

// forwardedTLSKey marks a request's context: a proxy the server trusts
// received the request over HTTPS and passed it on in plain HTTP.
type forwardedTLSKey struct{}

// WithForwardedTLS returns ctx marked so that IsTLS holds for a request
// carrying it. Only the server may set it, and only once it knows the
// request came from a proxy it trusts (Caddy's trusted_proxies) that said
// so with ForwardedHTTPS: a header from anyone else proves nothing.
func WithForwardedTLS(ctx context.Context) context.Context {
	return context.WithValue(ctx, forwardedTLSKey{}, true)
}

// IsTLS reports whether the browser reached the site over HTTPS: on this
// connection, or at a trusted proxy in front of it (WithForwardedTLS).
// Cookie names and flags, origin checks and callback addresses follow it.
func IsTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	v, _ := r.Context().Value(forwardedTLSKey{}).(bool)
	return v
}

// Scheme returns "https" when IsTLS holds, else "http".
func Scheme(r *http.Request) string {
	if IsTLS(r) {
		return "https"
	}
	return "http"
}

// ForwardedHTTPS reports whether h carries exactly one X-Forwarded-Proto
// line, naming https alone. A list ("https, http") or a second line is
// refused: whoever added the other value is not known to be trusted.
func ForwardedHTTPS(h http.Header) bool {
	v := h.Values("X-Forwarded-Proto")
	return len(v) == 1 && strings.EqualFold(strings.TrimSpace(v[0]), "https")
}
