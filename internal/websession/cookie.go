package websession

import (
	"iter"
	"net"
	"net/http"
	"net/textproto"
	"strings"
	"time"
)

// HostPrefix starts the cookie names used over HTTPS. Browsers refuse a
// __Host- cookie unless it is Secure, host-only and for Path=/, so neither
// a sibling subdomain nor plain HTTP can plant or read it. The plain
// names serve only plain HTTP to a loopback host: the local demo.
const HostPrefix = "__Host-"

// Mode is how session cookies are named and flagged for one request.
type Mode int

// The modes.
const (
	Refused Mode = iota // plain HTTP to a public host: no session cookie
	Secure              // HTTPS: __Host- names, Secure
	Plain               // plain HTTP to loopback: the demo
)

// ModeOf decides the cookie mode from the request: HTTPS (IsTLS), or
// plain HTTP to a loopback Host.
func ModeOf(r *http.Request) Mode {
	if IsTLS(r) {
		return Secure
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if IsLoopbackHost(host) {
		return Plain
	}
	return Refused
}

// Name returns the cookie name for the mode: plain prefixed with
// HostPrefix when Secure.
func (m Mode) Name(plain string) string {
	if m == Secure {
		return HostPrefix + plain
	}
	return plain
}

// IsLoopbackHost reports whether host (without port) is localhost, a
// name under .localhost (which RFC 6761 reserves for loopback, and which
// browsers resolve there: tenant hosts of a local site), or a loopback IP.
func IsLoopbackHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, ".")) // a fully qualified name is the same host
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// SetCookie sets name=value, HttpOnly, SameSite=Lax (which still sends it
// on the top-level GET of a link clicked in an email), Path=/ and Secure
// in Secure mode. It expires after maxAge; zero makes a browser-session
// cookie and a negative maxAge deletes it.
func SetCookie(w http.ResponseWriter, m Mode, name, value string, maxAge time.Duration) {
	c := &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		Secure:   m == Secure,
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

// Value returns the value of r's cookie called name if it has the form of
// a token. A value of any other shape, of any size, or quoted (Lockbox
// never sets one so) is treated as absent.
func Value(r *http.Request, name string) (string, bool) {
	for _, c := range r.CookiesNamed(name) {
		if !c.Quoted && IsToken(c.Value) {
			return c.Value, true
		}
	}
	return "", false
}

// Pairs yields the name and the "name=value" text of each cookie in a
// Cookie header line, both without surrounding spaces, skipping empty
// parts. It is the one hand-written cookie parser, for the checks every
// request pays for, which must not allocate; everything else reads
// cookies with net/http.
func Pairs(line string) iter.Seq2[string, string] {
	return func(yield func(name, pair string) bool) {
		for line != "" {
			var pair string
			pair, line, _ = strings.Cut(line, ";")
			pair = textproto.TrimString(pair)
			if pair == "" {
				continue
			}
			name, _, _ := strings.Cut(pair, "=")
			if !yield(textproto.TrimString(name), pair) {
				return
			}
		}
	}
}
