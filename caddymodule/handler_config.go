package caddymodule

import (
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/policy"
)

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
	BreakGlass caddy.Duration `json:"break_glass,omitempty"`
}

// DenyRule refuses agent requests whatever the grant allows.
type DenyRule struct {
	// Method is an HTTP method, or * for every method.
	Method string `json:"method,omitempty"`

	// Path matches the decoded request path like Caddy's path matcher,
	// ignoring case: exact, prefix (/a/*), suffix (*.pdf) or with * inside.
	Path string `json:"path,omitempty"`
}

// loginRoles returns the roles as the login service takes them.
func loginRoles(roles []Role) []login.Role {
	out := make([]login.Role, len(roles))
	for i, r := range roles {
		out[i] = login.Role{Name: r.Name, Groups: r.Groups, Scopes: r.Scopes, BreakGlass: time.Duration(r.BreakGlass)}
	}
	return out
}

// denyRules parses the deny rules; the first bad one is an error.
func denyRules(rules []DenyRule) (policy.Rules, error) {
	out := make(policy.Rules, 0, len(rules))
	for _, r := range rules {
		rule, err := policy.ParseRule(r.Method, r.Path)
		if err != nil {
			return nil, err
		}
		out = append(out, rule)
	}
	return out, nil
}
