package login

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/scope"
	"github.com/lockbox-gw/lockbox/internal/websession"
)

// Defaults and bounds of Config.
const (
	DefaultRolesClaim  = "groups"
	DefaultSessionMax  = 8 * time.Hour
	DefaultTimeout     = 5 * time.Second
	DefaultConsolePath = "/_lockbox/"
	MaxSessionMax      = 30 * 24 * time.Hour
)

// baseScopes are always requested.
var baseScopes = []string{"openid", "email", "profile"}

// roleNamePattern keeps role names printable in headers and audit events.
var roleNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)

// Config describes the identity provider and how its users map to roles.
type Config struct {
	// Issuer is the provider's issuer URL, compared byte for byte with the
	// discovery document and the iss claim. https, or http on a loopback
	// host (development).
	Issuer string
	// ClientID and ClientSecret identify Lockbox at the provider. An empty
	// secret makes a public client, protected by PKCE alone.
	ClientID     string
	ClientSecret string
	// Scopes are requested beside openid, email and profile.
	Scopes []string
	// TrustedAudiences may appear in an ID token's aud beside ClientID
	// (some providers add their own, such as a project id); any other
	// audience is refused.
	TrustedAudiences []string
	// Site is the site this service signs agents in for: Lockbox's issuer
	// URL there (scheme, host and prefix). Logins and agent sessions are
	// bound to it and to the scheme they were made over; empty means the
	// request's scheme and Host.
	Site string
	// RolesClaim names the ID token claim listing the agent's groups; a
	// list of strings or a single string. Default "groups".
	RolesClaim string
	// Roles map groups to roles; at least one.
	Roles []Role
	// SessionMax is the absolute lifetime of an agent login. Default 8h.
	SessionMax time.Duration
	// ConsolePath is where a login returns when return_to is missing or
	// unsafe. Default "/_lockbox/".
	ConsolePath string
	// HTTPClient talks to the provider; nil means a client with Timeout.
	HTTPClient *http.Client
	// Timeout bounds each call to the provider. Default 5s.
	Timeout time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Role is what an agent in one of Groups may do.
type Role struct {
	// Name is the role's name, recorded in sessions and audit events.
	Name string
	// Groups are the values of the roles claim that give this role.
	Groups []string
	// Scopes cap what the role can ever use; read is always included.
	Scopes []string
	// BreakGlass is how long a break-glass entry may last; 0 means the
	// role cannot break glass.
	BreakGlass time.Duration
}

// normalized validates c and returns it with defaults filled in.
func (c Config) normalized() (Config, error) {
	if err := validateIssuer(c.Issuer); err != nil {
		return Config{}, err
	}
	if c.ClientID == "" || hasControl(c.ClientID) {
		return Config{}, errors.New("oidc client_id is required and must be printable")
	}
	scopes, err := requestScopes(c.Scopes)
	if err != nil {
		return Config{}, err
	}
	c.Scopes = scopes
	if err := c.checkAudiences(); err != nil {
		return Config{}, err
	}
	if c.Site != "" && validateRedirectURL(c.Site) != nil {
		return Config{}, fmt.Errorf("site %q is not an absolute http or https URL", c.Site)
	}
	if err := c.fillDefaults(); err != nil {
		return Config{}, err
	}
	roles, err := normalizeRoles(c.Roles)
	if err != nil {
		return Config{}, err
	}
	c.Roles = roles
	return c, nil
}

// fillDefaults sets and bounds the optional fields.
func (c *Config) fillDefaults() error {
	if c.RolesClaim == "" {
		c.RolesClaim = DefaultRolesClaim
	}
	if hasControl(c.RolesClaim) || strings.ContainsRune(c.RolesClaim, ' ') {
		return fmt.Errorf("roles_claim %q must be a single claim name", c.RolesClaim)
	}
	if c.SessionMax == 0 {
		c.SessionMax = DefaultSessionMax
	}
	if c.SessionMax < time.Minute || c.SessionMax > MaxSessionMax {
		return fmt.Errorf("session_max %s is out of range: use 1m to 30 days", c.SessionMax)
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Timeout < 0 {
		return fmt.Errorf("oidc timeout %s must be positive", c.Timeout)
	}
	if c.ConsolePath == "" {
		c.ConsolePath = DefaultConsolePath
	}
	if SafeReturnTo(c.ConsolePath, "") == "" {
		return fmt.Errorf("console path %q must be a plain absolute path such as /_lockbox/", c.ConsolePath)
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: c.Timeout}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return nil
}

// validateIssuer accepts an https URL, or http on a loopback host.
func validateIssuer(issuer string) error {
	if issuer == "" {
		return errors.New("oidc issuer URL is required")
	}
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("oidc issuer %q is not an absolute URL without user info, query or fragment", issuer)
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && websession.IsLoopbackHost(u.Hostname()):
		return nil
	}
	return fmt.Errorf("oidc issuer %q must use https (plain http only on a loopback address)", issuer)
}

// checkAudiences requires each trusted audience to be a single printable
// word.
func (c *Config) checkAudiences() error {
	c.TrustedAudiences = slices.Clone(c.TrustedAudiences)
	for _, a := range c.TrustedAudiences {
		if a == "" || !validClaimString(a) || strings.ContainsRune(a, ' ') {
			return fmt.Errorf("oidc trusted audience %q must be a single printable word", a)
		}
	}
	return nil
}

// requestScopes returns the base scopes followed by the extra ones,
// without repeats.
func requestScopes(extra []string) ([]string, error) {
	out := slices.Clone(baseScopes)
	for _, s := range extra {
		if s == "" || hasControl(s) || strings.ContainsRune(s, ' ') {
			return nil, fmt.Errorf("oidc scope %q must be a single non-empty word", s)
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// normalizeRoles validates the roles and returns copies with canonical
// scopes.
func normalizeRoles(roles []Role) ([]Role, error) {
	if len(roles) == 0 {
		return nil, errors.New("at least one role is required: no agent could ever sign in")
	}
	out := make([]Role, 0, len(roles))
	for _, r := range roles {
		if slices.ContainsFunc(out, func(o Role) bool { return o.Name == r.Name }) {
			return nil, fmt.Errorf("role %q is defined twice", r.Name)
		}
		n, err := normalizeRole(r)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// normalizeRole validates one role.
func normalizeRole(r Role) (Role, error) {
	if !roleNamePattern.MatchString(r.Name) {
		return Role{}, fmt.Errorf("role name %q: use letters, digits, '.', '_' or '-' (at most 63)", r.Name)
	}
	if len(r.Groups) == 0 {
		return Role{}, fmt.Errorf("role %q needs at least one group", r.Name)
	}
	for _, g := range r.Groups {
		if g == "" || !validClaimString(g) {
			return Role{}, fmt.Errorf("role %q: group %q must be non-empty, printable and at most %d characters", r.Name, g, maxClaimLen)
		}
	}
	scopes, err := scope.Parse(r.Scopes...)
	if err != nil {
		return Role{}, fmt.Errorf("role %q: %v", r.Name, err)
	}
	if r.BreakGlass < 0 {
		return Role{}, fmt.Errorf("role %q: break_glass %s must not be negative", r.Name, r.BreakGlass)
	}
	r.Groups = slices.Clone(r.Groups)
	r.Scopes = scopes
	return r, nil
}
