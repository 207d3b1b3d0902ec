package gateway

import (
	"net/http"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/login"
)

// stripCookies removes Lockbox's cookies from the request before it goes
// to the app, so the app never sees (or leaks) an agent's session.
func stripCookies(r *http.Request) {
	lines := r.Header["Cookie"]
	if len(lines) == 0 {
		return
	}
	var kept []string
	for _, line := range lines {
		if line = stripCookieLine(line); line != "" {
			kept = append(kept, line)
		}
	}
	if len(kept) == 0 {
		r.Header.Del("Cookie")
		return
	}
	r.Header["Cookie"] = kept
}

// stripCookieLine returns a Cookie line without Lockbox's cookies and
// empty parts, the rest joined by "; ". It allocates only when the line
// changes and keeps something.
func stripCookieLine(line string) string {
	var buf [256]byte
	out := buf[:0]
	for rest := line; rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, ";")
		part = strings.TrimSpace(part)
		name, _, _ := strings.Cut(part, "=")
		if part == "" || isLockboxCookie(name) {
			continue
		}
		if len(out) > 0 {
			out = append(out, "; "...)
		}
		out = append(out, part...)
	}
	if string(out) == line {
		return line
	}
	return string(out)
}

func isLockboxCookie(name string) bool {
	return name == login.SessionCookieHost || name == login.SessionCookiePlain ||
		strings.HasPrefix(name, login.SessionCookieHost+"-") || strings.HasPrefix(name, login.SessionCookiePlain+"-")
}
