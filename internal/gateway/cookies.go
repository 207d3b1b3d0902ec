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
		var parts []string
		for _, part := range strings.Split(line, ";") {
			name, _, _ := strings.Cut(strings.TrimSpace(part), "=")
			if isLockboxCookie(name) {
				continue
			}
			if p := strings.TrimSpace(part); p != "" {
				parts = append(parts, p)
			}
		}
		if len(parts) > 0 {
			kept = append(kept, strings.Join(parts, "; "))
		}
	}
	if len(kept) == 0 {
		r.Header.Del("Cookie")
		return
	}
	r.Header["Cookie"] = kept
}

func isLockboxCookie(name string) bool {
	return name == login.SessionCookieHost || name == login.SessionCookiePlain ||
		strings.HasPrefix(name, login.SessionCookieHost+"-") || strings.HasPrefix(name, login.SessionCookiePlain+"-")
}
