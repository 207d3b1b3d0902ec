package caddymodule

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/lockbox-gw/lockbox/internal/gateway"
	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// settings are the handler's config with placeholders replaced, in the
// shapes the internal packages take.
type settings struct {
	login   login.Config
	minter  token.MinterConfig
	gateway gateway.Config
}

// resolve replaces placeholders (secrets from the environment) and checks
// what could only be checked with them replaced.
func (h *Handler) resolve(repl *caddy.Replacer) (settings, error) {
	prefix := h.prefix()
	issuer, err := tokenIssuer(repl.ReplaceKnown(h.Issuer, ""), prefix)
	if err != nil {
		return settings{}, err
	}
	lc, err := h.loginConfig(repl, prefix)
	if err != nil {
		return settings{}, err
	}
	// Logins and agent sessions belong to this site alone.
	lc.Site = issuer.String()
	audience := repl.ReplaceKnown(h.Audience, "")
	if h.Audience != "" && audience == "" {
		return settings{}, errors.New("lockbox audience is empty once placeholders are replaced (is its environment variable set?)")
	}
	if audience == "" {
		// The site's host with its port, so two sites on one host do not
		// accept each other's tokens.
		audience = issuer.Host
	}
	rules, err := denyRules(h.Deny)
	if err != nil {
		return settings{}, err
	}
	return settings{
		login: lc,
		minter: token.MinterConfig{
			Issuer: issuer.String(), Audience: audience,
			TTL: orDefault(time.Duration(h.TokenTTL), token.DefaultTTL),
		},
		gateway: gateway.Config{
			Prefix: prefix, HeaderPrefix: h.HeaderPrefix, Landing: h.Landing, Rules: rules,
			Areas:      policy.Areas(h.Areas),
			SessionMax: time.Duration(h.SessionMax), IdleTimeout: time.Duration(h.IdleTimeout),
			Issuer: issuer.String(), TenantFrom: h.TenantFrom.gatewayTenants(),
		},
	}, nil
}

// prefix returns Prefix, or the default, as /a/b without a final slash.
func (h *Handler) prefix() string {
	if h.Prefix == "" {
		return gateway.DefaultPrefix
	}
	return "/" + strings.Trim(h.Prefix, "/")
}

// loginConfig returns the login service's config. A client secret given
// as a placeholder must not resolve to nothing: that would silently make
// Lockbox a public client.
func (h *Handler) loginConfig(repl *caddy.Replacer, prefix string) (login.Config, error) {
	o := h.OIDC
	secret := repl.ReplaceKnown(o.ClientSecret, "")
	if o.ClientSecret != "" && secret == "" {
		return login.Config{}, errors.New("oidc client_secret is empty once placeholders are replaced (is its environment variable set?)")
	}
	return login.Config{
		Issuer:           repl.ReplaceKnown(o.Issuer, ""),
		ClientID:         repl.ReplaceKnown(o.ClientID, ""),
		ClientSecret:     secret,
		Scopes:           o.Scopes,
		RolesClaim:       o.RolesClaim,
		TrustedAudiences: o.TrustedAudiences,
		Roles:            loginRoles(h.Roles),
		SessionMax:       time.Duration(h.SessionMax),
		ConsolePath:      prefix + "/",
	}, nil
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
