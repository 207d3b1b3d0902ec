package siteconfig

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/gateway"
	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/scope"
)

// Bounds of the durations.
const (
	minSessionMax = time.Minute
	minIdle       = time.Second
	minTokenTTL   = time.Second
	maxTokenTTL   = time.Hour
)

// prefixPattern is a plain absolute path of one or more segments.
var prefixPattern = regexp.MustCompile(`^(/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+/?$`)

// errNoIssuer refuses a config without a token issuer.
var errNoIssuer = errors.New("lockbox issuer is required: the URL of the token issuer, such as " +
	"https://app.example.com/_lockbox (the Caddyfile derives it from the site address; JSON configs must set it)")

var errShared = errors.New("shared needs tenant_from: it names the pages agents may use outside any tenant")

// Validate checks every word that needs no placeholder replaced; the
// others are checked by Resolve. A *WordError names the word at fault.
func (c *Config) Validate() error {
	checks := []func() error{
		c.validateOIDC, c.validateRoles, c.validateDurations, c.validatePaths,
		c.validateDeny, c.validateAreas, c.validateHeaderPrefix, c.validateTenants, c.validateIssuer,
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// Normalize validates c and writes role scopes and deny methods in their
// canonical form (read first, methods in capitals), as adapted configs
// hold them.
func (c *Config) Normalize() error {
	if err := c.Validate(); err != nil {
		return err
	}
	for i := range c.Roles {
		c.Roles[i].Scopes, _ = scope.Parse(c.Roles[i].Scopes...)
	}
	for i, d := range c.Deny {
		r, _ := policy.ParseRule(d.Method, d.Path)
		c.Deny[i] = DenyRule{Method: r.Method, Path: r.Pattern}
	}
	return nil
}

func (c *Config) validateOIDC() error {
	switch {
	case c.OIDC == nil:
		return errors.New("lockbox needs an oidc block: the identity provider agents sign in with")
	case c.OIDC.Issuer == "":
		return wordErr("oidc", "", errors.New("oidc issuer URL is required"))
	case c.OIDC.ClientID == "":
		return wordErr("oidc", "", errors.New("oidc client_id is required"))
	}
	return nil
}

func (c *Config) validateRoles() error {
	if len(c.Roles) == 0 {
		return errors.New("lockbox needs at least one role: without one no agent could ever sign in")
	}
	for _, r := range c.Roles {
		if err := r.validate(); err != nil {
			return wordErr("role", r.Name, err)
		}
	}
	return nil
}

func (r Role) validate() error {
	switch {
	case r.Name == "":
		return errors.New("every role needs a name")
	case len(r.Groups) == 0:
		return fmt.Errorf("role %q needs at least one group", clip(r.Name))
	case r.BreakGlass < 0:
		return fmt.Errorf("role %q: break_glass must not be negative", clip(r.Name))
	}
	if _, err := scope.Parse(r.Scopes...); err != nil {
		return fmt.Errorf("role %q: %v", clip(r.Name), err)
	}
	return nil
}

func (c *Config) validateDurations() error {
	sessionMax := c.sessionMax()
	idle, ttl := time.Duration(c.IdleTimeout), time.Duration(c.TokenTTL)
	switch {
	case sessionMax < minSessionMax || sessionMax > login.MaxSessionMax:
		return wordErr("session_max", "", fmt.Errorf("session_max %s is out of range: use 1m to 30d", sessionMax))
	case idle != 0 && (idle < minIdle || idle > sessionMax):
		return wordErr("idle_timeout", "", fmt.Errorf("idle_timeout %s is out of range: use 1s up to session_max (%s)", idle, sessionMax))
	case ttl != 0 && (ttl < minTokenTTL || ttl > maxTokenTTL):
		return wordErr("token_ttl", "", fmt.Errorf("token_ttl %s is out of range: use 1s to 1h", ttl))
	}
	return nil
}

func (c *Config) validatePaths() error {
	if c.Prefix != "" && !prefixPattern.MatchString(c.Prefix) {
		return wordErr("prefix", "", fmt.Errorf("prefix %q must be an absolute path such as /_lockbox, of letters, digits, '.', '_', '~' or '-'", clip(c.Prefix)))
	}
	if c.Landing != "" && login.SafeReturnTo(c.Landing, "") == "" {
		return wordErr("landing", "", fmt.Errorf("landing %q must be a path on this site, such as /", clip(c.Landing)))
	}
	return nil
}

func (c *Config) validateDeny() error {
	for i, d := range c.Deny {
		if _, err := policy.ParseRule(d.Method, d.Path); err != nil {
			return wordErr("deny", strconv.Itoa(i), fmt.Errorf("deny: %v", err))
		}
	}
	return nil
}

func (c *Config) validateAreas() error {
	as := policy.Areas(c.Areas)
	if len(as) > policy.MaxAreas {
		return wordErr("area", "", as.Validate())
	}
	for _, name := range as.Names() {
		if err := policy.ParseArea(name, as[name]); err != nil {
			return wordErr("area", name, err)
		}
	}
	return nil
}

// validateHeaderPrefix checks header_prefix when the config is adapted,
// not only when it is loaded.
func (c *Config) validateHeaderPrefix() error {
	_, err := policy.NewScrubber(c.HeaderPrefix)
	return wordErr("header_prefix", "", err)
}

// validateTenants checks tenant_from against the issuer; shared alone
// would silently do nothing, so it is an error.
func (c *Config) validateTenants() error {
	tf := c.TenantFrom
	if tf == nil || hasPlaceholder(c.Issuer) {
		return nil
	}
	if tf.Host == "" && tf.Path == "" {
		return wordErr("shared", "", errShared)
	}
	return wordErr("tenant_from", "", tf.gateway().Check(c.Issuer))
}

// validateIssuer checks the token issuer, unless it holds placeholders,
// which Resolve replaces and checks.
func (c *Config) validateIssuer() error {
	if c.Issuer == "" {
		return errNoIssuer
	}
	if hasPlaceholder(c.Issuer) {
		return nil
	}
	_, err := tokenIssuer(c.Issuer, c.SitePrefix())
	return wordErr("issuer", "", err)
}

// sessionMax is SessionMax or its default.
func (c *Config) sessionMax() time.Duration {
	return orDefault(time.Duration(c.SessionMax), DefaultSessionMax)
}

// gateway is the gateway's form of tf; nil when tf is.
func (tf *TenantFrom) gateway() *gateway.TenantFrom {
	if tf == nil {
		return nil
	}
	return &gateway.TenantFrom{Host: tf.Host, Path: tf.Path, Shared: tf.Shared}
}

// hasPlaceholder reports whether v holds a placeholder, replaced (and so
// checked) only when the config is loaded.
func hasPlaceholder(v string) bool { return strings.ContainsAny(v, "{}") }

// orDefault returns d, or def when d is zero.
func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}
