package gateway

import (
	"net/http"
	"net/textproto"
	"slices"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/login"
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
	for rest := line; rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, ";")
		if isLockboxCookie(cookieName(part)) {
			return true
		}
	}
	return false
}

// stripCookieLine returns a Cookie line without Lockbox's cookies and
// empty parts; the app's cookies keep their bytes and are joined by "; ".
func stripCookieLine(line string) string {
	var kept []string
	for rest := line; rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, ";")
		part = textproto.TrimString(part)
		if part != "" && !isLockboxCookie(cookieName(part)) {
			kept = append(kept, part)
		}
	}
	return strings.Join(kept, "; ")
}

// cookieName returns the name of a "name=value" cookie pair, without the
// spaces around it.
func cookieName(pair string) string {
	name, _, _ := strings.Cut(pair, "=")
	return textproto.TrimString(name)
}

func isLockboxCookie(name string) bool {
	name = strings.TrimPrefix(name, "__Host-")
	return name == login.SessionCookiePlain || strings.HasPrefix(name, login.SessionCookiePlain+"-")
}
