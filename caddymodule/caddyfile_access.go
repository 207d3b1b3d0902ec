package caddymodule

import (
	"strconv"
	"strings"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// noteWord records where the option under the cursor is, so the checks
// of the access words, run once the block is read, name its line.
func (a *App) noteWord(lines wordLines, d *caddyfile.Dispenser) {
	key := ""
	if d.Val() == "api_key" {
		key = strconv.Itoa(len(a.APIKeys))
	}
	lines.note(d.Token(), d.Val(), key)
}

// checkAccessWords checks the access words of the block once it is read
// (and those of earlier blocks, which passed), naming the line at fault.
func (a *App) checkAccessWords(lines wordLines) error {
	return lines.lead(a.accessWords().Validate())
}

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
	a.GrantDurations = words
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
