package siteconfig

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/gateway"
	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// Settings are a site's config with placeholders replaced and defaults
// applied, in the shapes the internal packages take.
type Settings struct {
	// Login is the login service's config.
	Login login.Config
	// Minter is the token minter's config.
	Minter token.MinterConfig
	// Gateway is the gateway's config, without what the app decides
	// (AuditBuffered).
	Gateway gateway.Config
}

// Resolve validates c, replaces placeholders (secrets from the
// environment) with replace, and checks what could only be checked with
// them replaced. replace returns "" for a placeholder it does not know.
func (c *Config) Resolve(replace func(string) string) (Settings, error) {
	if err := c.Validate(); err != nil {
		return Settings{}, err
	}
	prefix := c.SitePrefix()
	issuer, err := tokenIssuer(replace(c.Issuer), prefix)
	if err != nil {
		return Settings{}, err
	}
	lc, err := c.login(replace, prefix)
	if err != nil {
		return Settings{}, err
	}
	// Logins and agent sessions belong to this site alone.
	lc.Site = issuer.String()
	audience := replace(c.Audience)
	if c.Audience != "" && audience == "" {
		return Settings{}, errors.New("lockbox audience is empty once placeholders are replaced (is its environment variable set?)")
	}
	if audience == "" {
		// The site's host with its port, so two sites on one host do not
		// accept each other's tokens.
		audience = issuer.Host
	}
	return Settings{
		Login: lc,
		Minter: token.MinterConfig{
			Issuer: issuer.String(), Audience: audience,
			TTL: orDefault(time.Duration(c.TokenTTL), DefaultTokenTTL),
		},
		Gateway: gateway.Config{
			Prefix: prefix, HeaderPrefix: c.HeaderPrefix, Landing: c.Landing, Rules: c.rules(),
			Areas:      policy.Areas(c.Areas),
			SessionMax: c.sessionMax(), IdleTimeout: time.Duration(c.IdleTimeout),
			Issuer: issuer.String(), TenantFrom: c.TenantFrom.gateway(),
		},
	}, nil
}

// login returns the login service's config. A client secret given as a
// placeholder must not resolve to nothing: that would silently make
// Lockbox a public client.
func (c *Config) login(replace func(string) string, prefix string) (login.Config, error) {
	o := c.OIDC
	secret := replace(o.ClientSecret)
	if o.ClientSecret != "" && secret == "" {
		return login.Config{}, errors.New("oidc client_secret is empty once placeholders are replaced (is its environment variable set?)")
	}
	roles := make([]login.Role, len(c.Roles))
	for i, r := range c.Roles {
		roles[i] = login.Role{Name: r.Name, Groups: r.Groups, Scopes: r.Scopes, BreakGlass: time.Duration(r.BreakGlass)}
	}
	return login.Config{
		Issuer:           replace(o.Issuer),
		ClientID:         replace(o.ClientID),
		ClientSecret:     secret,
		Scopes:           o.Scopes,
		RolesClaim:       o.RolesClaim,
		TrustedAudiences: o.TrustedAudiences,
		Roles:            roles,
		SessionMax:       c.sessionMax(),
		ConsolePath:      prefix + "/",
	}, nil
}

// rules are the deny rules, which Validate has checked.
func (c *Config) rules() policy.Rules {
	out := make(policy.Rules, 0, len(c.Deny))
	for _, d := range c.Deny {
		r, _ := policy.ParseRule(d.Method, d.Path)
		out = append(out, r)
	}
	return out
}

// tokenIssuer checks the token issuer: an absolute http or https URL
// whose path is the prefix, since the JWKS, discovery document and login
// callback are served under it. It returns the URL without a final slash.
func tokenIssuer(raw, prefix string) (*url.URL, error) {
	if raw == "" {
		return nil, errNoIssuer
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, fmt.Errorf("lockbox issuer %q must be an absolute http or https URL without user info, query or fragment", clip(raw))
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	if u.Path != prefix {
		return nil, fmt.Errorf("lockbox issuer %q must end with the prefix %s, where Lockbox serves its keys and login callback", clip(raw), prefix)
	}
	return u, nil
}
