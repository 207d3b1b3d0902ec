package policy

import (
	"slices"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/problem"
)

// KnownMethods are the methods a deny rule may name: those of HTTP
// (RFC 9110), PATCH (RFC 5789) and WebDAV (RFC 4918). A rule naming
// anything else would match no request an app serves, so a typo such as
// "GTE" would silently let through what it was meant to block.
var KnownMethods = []string{
	"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT",
	"PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK",
}

// parseMethod returns method uppercased if it is "*" or one of
// KnownMethods, or a problem naming it.
func parseMethod(method string) (string, error) {
	if method == "*" {
		return method, nil
	}
	m := strings.ToUpper(method)
	if len(m) > 32 || !slices.Contains(KnownMethods, m) {
		return "", problem.New(problem.Invalid, "invalid_rule",
			"invalid deny method %q: use * or one of %s", clip(method), strings.Join(KnownMethods, " "))
	}
	return m, nil
}

func isLetter(r rune) bool { return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' }
