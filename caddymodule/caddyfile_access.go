package caddymodule

import (
	"strings"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

// unmarshalAPIKey parses
//
//	api_key <key>
//
// It may be repeated: during a rotation both keys are accepted. The key
// is never echoed in an error.
func (a *App) unmarshalAPIKey(d *caddyfile.Dispenser) error {
	if !d.NextArg() {
		return d.Err("api_key needs the key the app calls the API with, such as {env.LOCKBOX_API_KEY}")
	}
	key := d.Val()
	if d.NextArg() {
		return d.Err("api_key takes exactly one key; repeat the line for a second key")
	}
	// A literal key is checked here, where the error can name its line;
	// one from a placeholder is checked once it is replaced.
	if !strings.Contains(key, "{") {
		if err := checkAPIKey(key); err != nil {
			return lineErr(d, "api_key", err)
		}
	}
	a.APIKeys = append(a.APIKeys, key)
	return noBlock(d, "api_key")
}

// unmarshalPublicURL parses
//
//	public_url <url>
func (a *App) unmarshalPublicURL(d *caddyfile.Dispenser) error {
	if a.PublicBaseURL != "" {
		return d.Err("public_url is already set; give it once")
	}
	raw, err := oneArg(d, "public_url", "the base URL of the links in emails, such as https://app.example.com")
	if err != nil {
		return err
	}
	if !hasPlaceholder(raw) {
		if _, err := adminlink.ParseBaseURL(raw); err != nil {
			return d.Err(err.Error())
		}
	}
	a.PublicBaseURL = raw
	return nil
}

// unmarshalAdminRoles parses
//
//	admin_roles <role...>
func (a *App) unmarshalAdminRoles(d *caddyfile.Dispenser) error {
	if len(a.TenantAdminRoles) > 0 {
		return d.Err("admin_roles is already set; give it once")
	}
	a.TenantAdminRoles = d.RemainingArgs()
	if len(a.TenantAdminRoles) == 0 {
		return d.Err("admin_roles needs the admin roles that may grant and revoke support access, such as owner admin")
	}
	return noBlock(d, "admin_roles")
}

// unmarshalLinkTTL parses
//
//	link_ttl <duration>
func (a *App) unmarshalLinkTTL(d *caddyfile.Dispenser) error {
	if a.AdminLinkTTL != 0 {
		return d.Err("link_ttl is already set; give it once")
	}
	v, err := oneArg(d, "link_ttl", "how long an admin link opens, such as 24h")
	if err != nil {
		return err
	}
	ttl, err := caddy.ParseDuration(v)
	if err != nil || ttl <= 0 {
		return d.Errf("link_ttl %q is not a positive duration such as 24h or 7d", clip(v))
	}
	if _, err := adminlink.CheckTTL(ttl); err != nil {
		return d.Err(err.Error())
	}
	a.AdminLinkTTL = caddy.Duration(ttl)
	return nil
}

// unmarshalGrantDurations parses
//
//	grant_durations <duration|standing...>
func (a *App) unmarshalGrantDurations(d *caddyfile.Dispenser) error {
	if len(a.GrantDurations) > 0 {
		return d.Err("grant_durations is already set; give it once")
	}
	words := d.RemainingArgs()
	if len(words) == 0 {
		return d.Err("grant_durations needs the grant lengths offered to admins, such as 1d 7d 28d standing")
	}
	for _, w := range words {
		if w == tenantadmin.Standing {
			continue
		}
		if _, err := grant.ParseDuration(w); err != nil {
			return d.Errf("grant_durations: %v", err)
		}
	}
	a.GrantDurations = words
	if _, err := tenantadmin.ParseRules(a.TenantAdminRoles, a.GrantDurations); err != nil {
		return d.Err(err.Error())
	}
	return noBlock(d, "grant_durations")
}

// oneArg reads the single argument of word, which takes no block; what
// describes the argument in the error when it is missing.
func oneArg(d *caddyfile.Dispenser, word, what string) (string, error) {
	if !d.NextArg() {
		return "", d.Errf("%s needs %s", word, what)
	}
	v := d.Val()
	if d.NextArg() {
		return "", d.Errf("%s takes exactly one argument", word)
	}
	return v, noBlock(d, word)
}

// hasPlaceholder reports whether v holds a placeholder, which is
// replaced, and so can only be checked, when the config is loaded.
func hasPlaceholder(v string) bool { return strings.Contains(v, "{") }
