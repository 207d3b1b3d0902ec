package appapi

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

// Defaults of Config.
const (
	DefaultPrefix  = "/_lockbox"
	DefaultLinkTTL = 24 * time.Hour
	// MinKeyLen keeps guessable API keys out.
	MinKeyLen = 16
	maxKeyLen = 512
)

// prefixPattern keeps the prefix a plain path that is safe inside a
// ServeMux pattern.
var prefixPattern = regexp.MustCompile(`^(/[A-Za-z0-9._~-]+)+$`)

// Config is the API's settings.
type Config struct {
	// APIKeys are the accepted bearer keys; two while rotating. None
	// disables the API.
	APIKeys []string
	// AdminRoles are the registered admin roles that may create and
	// revoke grants and get admin links; default
	// tenantadmin.DefaultRoles (owner and admin).
	AdminRoles []string
	// Durations are the grant lengths admins may choose; default
	// tenantadmin.DefaultDurations (1d, 7d and 28d).
	Durations []time.Duration
	// NoStanding refuses standing grants.
	NoStanding bool
	// LinkTTL is how long an admin link opens; default 24h.
	LinkTTL time.Duration
	// PublicURL is the site's public origin, such as
	// https://app.example.com; admin links start with it.
	PublicURL string
	// Prefix is Lockbox's path prefix; default /_lockbox.
	Prefix string
	// Areas are the site's configured areas, which grants may be
	// limited to by name.
	Areas policy.Areas
}

// disabled reports whether no key can ever be accepted.
func (c Config) disabled() bool { return len(c.APIKeys) == 0 }

// base is the path every route starts with.
func (c Config) base() string { return c.Prefix + Path }

// normalized validates c and returns it with defaults filled in.
func (c Config) normalized() (Config, error) {
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	c.Prefix = "/" + strings.Trim(c.Prefix, "/")
	if !prefixPattern.MatchString(c.Prefix) {
		return Config{}, fmt.Errorf("app api: prefix %q must be a plain path such as /_lockbox", c.Prefix)
	}
	if c.disabled() {
		return c, nil
	}
	c.APIKeys = slices.Clone(c.APIKeys)
	for _, step := range []func(*Config) error{checkKeys, fillRules, fillLinkTTL, checkPublicURL} {
		if err := step(&c); err != nil {
			return Config{}, fmt.Errorf("app api: %w", err)
		}
	}
	return c, nil
}

// checkKeys refuses keys that are short or not a single printable word.
func checkKeys(c *Config) error {
	for i, k := range c.APIKeys {
		if len(k) < MinKeyLen || len(k) > maxKeyLen || strings.IndexFunc(k, notKeyChar) >= 0 {
			return fmt.Errorf("api key %d must be %d to %d printable characters without spaces", i+1, MinKeyLen, maxKeyLen)
		}
	}
	return nil
}

func notKeyChar(r rune) bool { return r <= ' ' || r > '~' }

// fillRules checks the roles and durations and fills in their defaults,
// as the hosted Support Access page does.
func fillRules(c *Config) error {
	r, err := c.rules().Normalized()
	if err != nil {
		return err
	}
	c.AdminRoles, c.Durations = r.Roles, r.Durations
	return nil
}

// rules are the admin roles and grant lengths of c.
func (c Config) rules() tenantadmin.Rules {
	return tenantadmin.Rules{Roles: c.AdminRoles, Durations: c.Durations, NoStanding: c.NoStanding}
}

func fillLinkTTL(c *Config) error {
	if c.LinkTTL == 0 {
		c.LinkTTL = DefaultLinkTTL
	}
	if c.LinkTTL < time.Minute || c.LinkTTL > adminlink.MaxTTL {
		return fmt.Errorf("admin link lifetime %s is out of range: use 1m to %s", c.LinkTTL, grant.FormatDuration(adminlink.MaxTTL))
	}
	return nil
}

// checkPublicURL accepts an https origin (http only on a loopback host,
// where the admin cookie is allowed), with an optional path.
func checkPublicURL(c *Config) error {
	if c.PublicURL == "" {
		return errors.New("the public URL is required: admin links start with it")
	}
	u, err := url.Parse(c.PublicURL)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return fmt.Errorf("public URL %q must be an absolute URL without user info, query or fragment", c.PublicURL)
	}
	if u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname())) {
		return fmt.Errorf("public URL %q must use https (plain http only on a loopback address)", c.PublicURL)
	}
	c.PublicURL = strings.TrimSuffix(c.PublicURL, "/")
	return nil
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// durationChoices lists the offered durations for the OpenAPI document,
// such as ["1d", "7d", "28d"]; standing has a field of its own.
func (c Config) durationChoices() []string {
	out := make([]string, 0, len(c.Durations))
	for _, choice := range c.rules().Choices() {
		if !choice.Standing {
			out = append(out, choice.Value())
		}
	}
	return out
}
