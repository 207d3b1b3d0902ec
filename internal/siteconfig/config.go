// Package siteconfig is one site's Lockbox configuration: the words of
// the lockbox handler, their defaults, their checks, and their
// translation into what the login service, the token minter and the
// gateway take. It knows nothing of Caddy: the handler embeds Config, so
// its JSON shape is Config's, and hands over a function that replaces
// placeholders.
package siteconfig

import (
	"strings"

	"github.com/lockbox-gw/lockbox/internal/gateway"
	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// Defaults of the words that have one; Resolve applies them.
const (
	DefaultPrefix     = gateway.DefaultPrefix
	DefaultSessionMax = login.DefaultSessionMax
	DefaultTokenTTL   = token.DefaultTTL
)

// Config is one site's settings, as the handler's JSON holds them.
type Config struct {
	// Prefix is where Lockbox's own pages and endpoints live. Default:
	// /_lockbox.
	Prefix string `json:"prefix,omitempty"`

	// HeaderPrefix starts the name of every identity header sent to the
	// app; client-sent headers with it are always removed. Default:
	// X-Lockbox-.
	HeaderPrefix string `json:"header_prefix,omitempty"`

	// OIDC is the vendor's identity provider that agents sign in with.
	// Required.
	OIDC *OIDC `json:"oidc,omitempty"`

	// Roles map the agents' groups to the scopes they may ever use. At
	// least one is required.
	Roles []Role `json:"roles,omitempty"`

	// SessionMax caps an agent login and an impersonation session.
	// Default: 8h.
	SessionMax Duration `json:"session_max,omitempty"`

	// IdleTimeout ends an impersonation session with no requests for this
	// long. Default: 30m.
	IdleTimeout Duration `json:"idle_timeout,omitempty"`

	// TokenTTL is the lifetime of an impersonation JWT, never past the
	// session's end. Default: 5m.
	TokenTTL Duration `json:"token_ttl,omitempty"`

	// Audience is the aud claim of the JWT, which the app checks. Default:
	// the host of Issuer.
	Audience string `json:"audience,omitempty"`

	// Issuer is the iss claim of the JWT and the base URL of the JWKS and
	// discovery document, such as https://app.example.com/_lockbox; its
	// path must be Prefix. The Caddyfile derives it from the site address;
	// JSON configs must set it, so it never depends on a request's Host.
	Issuer string `json:"issuer,omitempty"`

	// Deny lists requests refused to agents whatever the grant allows.
	Deny []DenyRule `json:"deny,omitempty"`

	// Areas name parts of the app a grant may be limited to: each name
	// (lowercase letters, digits, _ or -) maps to path patterns matched
	// like Deny paths. A grant limited to areas refuses every other path.
	Areas map[string][]string `json:"areas,omitempty"`

	// Landing is where an agent goes after entering a tenant. Default: /.
	Landing string `json:"landing,omitempty"`

	// TenantFrom says where the app names a request's tenant (host or
	// path); agents are then kept to their session's tenant.
	TenantFrom *TenantFrom `json:"tenant_from,omitempty"`
}

// OIDC is the OpenID Connect provider agents sign in with. Placeholders
// such as {env.OIDC_CLIENT_SECRET} are replaced when the config is loaded.
type OIDC struct {
	// Issuer is the provider's issuer URL: https, or http on a loopback
	// address.
	Issuer string `json:"issuer,omitempty"`

	// ClientID identifies Lockbox at the provider.
	ClientID string `json:"client_id,omitempty"`

	// ClientSecret authenticates Lockbox at the provider. Without one
	// Lockbox is a public client, protected by PKCE alone.
	ClientSecret string `json:"client_secret,omitempty"`

	// Scopes are requested besides openid, email and profile.
	Scopes []string `json:"scopes,omitempty"`

	// RolesClaim names the ID token claim listing the agent's groups.
	// Default: groups.
	RolesClaim string `json:"roles_claim,omitempty"`

	// TrustedAudiences may appear in an ID token's aud beside the client
	// id (some providers add their own); any other audience is refused.
	TrustedAudiences []string `json:"trusted_audiences,omitempty"`
}

// Role is what agents in one of its groups may do.
type Role struct {
	// Name of the role, recorded in sessions and audit events.
	Name string `json:"name,omitempty"`

	// Groups are the values of the roles claim that give the role.
	Groups []string `json:"groups,omitempty"`

	// Scopes cap what the role may ever use: read, write, pii. Read is
	// always included.
	Scopes []string `json:"scopes,omitempty"`

	// BreakGlass, when set, lets the role enter a tenant without a grant,
	// giving a reason, for at most this long.
	BreakGlass Duration `json:"break_glass,omitempty"`
}

// DenyRule refuses agent requests whatever the grant allows.
type DenyRule struct {
	// Method is an HTTP method, or * for every method.
	Method string `json:"method,omitempty"`

	// Path matches the decoded request path like Caddy's path matcher,
	// ignoring case: exact, prefix (/a/*), suffix (*.pdf) or with * inside.
	Path string `json:"path,omitempty"`
}

// TenantFrom says where the app names a request's tenant; see the
// Caddyfile words tenant_from and shared.
type TenantFrom struct {
	// Host is {tenant} followed by the tenant hosts' common suffix, such
	// as {tenant}.app.example.com (with :port when not standard). The
	// site's issuer host is the one login host and must not match it.
	Host string `json:"host,omitempty"`
	// Path is a path prefix ending in the tenant's segment, such as
	// /t/{tenant}/.
	Path string `json:"path,omitempty"`
	// Shared are path patterns of pages every tenant shares (static
	// assets): agent requests naming no tenant are sent only there.
	Shared []string `json:"shared,omitempty"`
}

// SitePrefix returns Prefix, or the default, as /a/b without a final
// slash.
func (c *Config) SitePrefix() string {
	if c.Prefix == "" {
		return DefaultPrefix
	}
	return "/" + strings.Trim(c.Prefix, "/")
}

// clip shortens a value quoted in an error.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
