package gateway

import (
	"net/http"
	"slices"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/websession"
)

// stripCookies removes every Lockbox cookie (the agent session, the login
// binding, the admin session: "lockbox" and "lockbox-*", with or without
// __Host-) from the request before it goes to the app, so the app never
// sees, logs or leaks a Lockbox session. Cookie lines without one are
// left as they are; it allocates nothing when none is present.
func stripCookies(r *http.Request) {
	lines := r.Header["Cookie"]
	i := slices.IndexFunc(lines, hasLockboxCookie)
	if i < 0 {
		return
	}
	kept := slices.Clone(lines[:i])
	for _, line := range lines[i:] {
		if hasLockboxCookie(line) {
			line = stripCookieLine(line)
		}
		if line != "" {
			kept = append(kept, line)
		}
	}
	if len(kept) == 0 {
		delete(r.Header, "Cookie")
		return
	}
	r.Header["Cookie"] = kept
}

// hasLockboxCookie reports whether a Cookie line holds a Lockbox cookie.
// Every Lockbox cookie name holds "lockbox", so one substring search
// settles most lines.
func hasLockboxCookie(line string) bool {
	if !strings.Contains(line, login.SessionCookiePlain) {
		return false
	}
	for name := range websession.Pairs(line) {
		if isLockboxCookie(name) {
			return true
		}
	}
	return false
}

// stripCookieLine returns a Cookie line without Lockbox's cookies and
// empty parts; the app's cookies keep their bytes and are joined by "; ".
func stripCookieLine(line string) string {
	var kept []string
	for name, pair := range websession.Pairs(line) {
		if !isLockboxCookie(name) {
			kept = append(kept, pair)
		}
	}
	return strings.Join(kept, "; ")
}

func isLockboxCookie(name string) bool {
	name = strings.TrimPrefix(name, websession.HostPrefix)
	return name == login.SessionCookiePlain || strings.HasPrefix(name, login.SessionCookiePlain+"-")
}
