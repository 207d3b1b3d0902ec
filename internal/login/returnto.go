package login

import (
	"net/url"
	"strings"
)

// maxReturnTo bounds a return_to value.
const maxReturnTo = 1024

// SafeReturnTo returns raw if it is a same-origin relative path, and
// fallback otherwise. Kept: printable ASCII starting with a single '/',
// with no backslash anywhere, no scheme or host, at most 1024 bytes, and
// the same holding for every percent-decoded form (so "/%2F%2Fevil.com"
// and "/%5Cevil.com" are refused). A query and a fragment are kept.
func SafeReturnTo(raw, fallback string) string {
	if !safePath(raw) {
		return fallback
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return fallback
	}
	decoded := raw
	for range 3 {
		next, err := url.PathUnescape(decoded)
		if err != nil || !safeDecoded(next) {
			return fallback
		}
		if next == decoded {
			return raw
		}
		decoded = next
	}
	// Still changing after three rounds: nested encoding, refuse.
	return fallback
}

// safePath checks the raw form: bounded, printable ASCII without spaces or
// backslashes, one leading slash.
func safePath(s string) bool {
	if len(s) == 0 || len(s) > maxReturnTo || s[0] != '/' {
		return false
	}
	if len(s) > 1 && (s[1] == '/' || s[1] == '\\') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return false
		}
	}
	return true
}

// safeDecoded checks a decoded form: no control characters or
// backslashes, and no leading "//" that a browser would read as a host.
func safeDecoded(s string) bool {
	if strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c == 0x7f || c == '\\' {
			return false
		}
	}
	return true
}
