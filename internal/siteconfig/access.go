package siteconfig

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/appapi"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

// maxKeyLen caps an API key's length.
const maxKeyLen = 512

// Access are the words of the global lockbox block that every site's app
// API and Support Access page share: api_key, public_url, link_ttl,
// admin_roles and grant_durations, as written (placeholders kept).
type Access struct {
	// APIKeys are the keys the app calls the API with.
	APIKeys []string
	// PublicURL starts the links in emails; "" for each site's origin.
	PublicURL string
	// LinkTTL is how long an admin link opens; 0 for the default.
	LinkTTL time.Duration
	// AdminRoles may grant and revoke support access; nil for the default.
	AdminRoles []string
	// GrantDurations are the grant lengths offered to admins; nil for the
	// default.
	GrantDurations []string
}

// AccessSettings are Access with placeholders replaced and defaults
// applied.
type AccessSettings struct {
	// APIKeys are the app's keys.
	APIKeys []string
	// PublicURL is the links' base, without a final slash; "" for each
	// site's origin.
	PublicURL string
	// LinkTTL is an admin link's lifetime.
	LinkTTL time.Duration
	// Rules are the admin roles and grant lengths.
	Rules tenantadmin.Rules
}

// Validate checks the words whose values hold no placeholder; Resolve
// checks the others once they are replaced. A *WordError names the word
// at fault, and for api_key its index.
func (a Access) Validate() error {
	for i, k := range a.APIKeys {
		if literal(k) {
			if err := checkAPIKey(k); err != nil {
				return wordErr("api_key", strconv.Itoa(i), err)
			}
		}
	}
	if literal(a.PublicURL) {
		if _, err := adminlink.ParseBaseURL(a.PublicURL); err != nil {
			return wordErr("public_url", "", err)
		}
	}
	_, _, err := a.rules()
	return err
}

// Resolve validates a, replaces placeholders with replace and checks the
// values replaced. Errors never carry a key.
func (a Access) Resolve(replace func(string) string) (AccessSettings, error) {
	if err := a.Validate(); err != nil {
		return AccessSettings{}, err
	}
	var s AccessSettings
	var err error
	if s.APIKeys, err = apiKeys(a.APIKeys, replace); err != nil {
		return s, err
	}
	if s.PublicURL, err = adminlink.ParseBaseURL(replace(a.PublicURL)); err != nil {
		return s, err
	}
	s.Rules, s.LinkTTL, err = a.rules()
	return s, err
}

// rules checks admin_roles, grant_durations and link_ttl, and returns
// the rules and the link lifetime, defaults applied.
func (a Access) rules() (tenantadmin.Rules, time.Duration, error) {
	if _, err := tenantadmin.ParseRules(a.AdminRoles, nil); err != nil {
		return tenantadmin.Rules{}, 0, wordErr("admin_roles", "", err)
	}
	r, err := tenantadmin.ParseRules(a.AdminRoles, a.GrantDurations)
	if err != nil {
		return tenantadmin.Rules{}, 0, wordErr("grant_durations", "", err)
	}
	ttl, err := adminlink.CheckTTL(a.LinkTTL)
	if err != nil {
		return tenantadmin.Rules{}, 0, wordErr("link_ttl", "", err)
	}
	return r, ttl, nil
}

// apiKeys replaces placeholders in the keys; a key that resolves to
// nothing is an error, not a silently smaller set.
func apiKeys(keys []string, replace func(string) string) ([]string, error) {
	out := make([]string, 0, len(keys))
	for i, k := range keys {
		v := replace(k)
		if v == "" {
			return nil, fmt.Errorf("api_key %d is empty once placeholders are replaced (is its environment variable set?)", i+1)
		}
		if err := checkAPIKey(v); err != nil {
			return nil, fmt.Errorf("api_key %d: %v", i+1, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// checkAPIKey is the app API's rule for keys, stated for people. The key
// is never echoed.
func checkAPIKey(k string) error {
	if len(k) < appapi.MinKeyLen || len(k) > maxKeyLen || strings.IndexFunc(k, func(r rune) bool { return r <= ' ' || r > '~' }) >= 0 {
		return fmt.Errorf("the key must be %d to %d printable characters without spaces (generate one with: openssl rand -base64 32)", appapi.MinKeyLen, maxKeyLen)
	}
	return nil
}

// literal reports whether v holds no placeholder, so it can be checked
// before the config is loaded.
func literal(v string) bool { return !strings.Contains(v, "{") }
