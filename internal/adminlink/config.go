package adminlink

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/grant"
)

// Bounds of how long a link opens.
const (
	// DefaultTTL is a link's lifetime when none is configured.
	DefaultTTL = 24 * time.Hour
	// MinTTL is the shortest lifetime a link may be given.
	MinTTL = time.Minute
)

// CheckTTL applies the default and bounds of a link's lifetime: zero is
// DefaultTTL, anything outside MinTTL to MaxTTL an error.
func CheckTTL(d time.Duration) (time.Duration, error) {
	if d == 0 {
		return DefaultTTL, nil
	}
	if d < MinTTL || d > MaxTTL {
		return 0, fmt.Errorf("link_ttl %s is out of range: use %s to %s", grant.FormatDuration(d), MinTTL, grant.FormatDuration(MaxTTL))
	}
	return d, nil
}

// ParseBaseURL checks the base links start with: an absolute http or
// https URL without user info, query or fragment, returned without a
// final slash; empty stays empty (the site's own origin is used).
func ParseBaseURL(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != "" {
		return "", fmt.Errorf("public_url %q must be an absolute http or https URL without user info, query or fragment", clipped(raw))
	}
	return strings.TrimSuffix(raw, "/"), nil
}

// clipped shortens a value echoed in an error.
func clipped(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
