package caddymodule

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/scope"
)

// Bounds of the handler's durations.
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

// Validate checks the settings that need no placeholders replaced.
func (h *Handler) Validate() error {
	checks := []func() error{h.validateOIDC, h.validateRoles, h.validateDurations, h.validatePaths, h.validateDeny, h.validateAreas, h.validateHeaderPrefix}
	checks = append(checks, h.validateTenants)
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return h.validateIssuer()
}

// validateIssuer checks the token issuer, unless it holds placeholders,
// which are replaced and checked in Provision.
func (h *Handler) validateIssuer() error {
	if h.Issuer == "" {
		return errNoIssuer
	}
	if strings.ContainsAny(h.Issuer, "{}") {
		return nil
	}
	_, err := tokenIssuer(h.Issuer, h.prefix())
	return err
}

func (h *Handler) validateOIDC() error {
	switch {
	case h.OIDC == nil:
		return errors.New("lockbox needs an oidc block: the identity provider agents sign in with")
	case h.OIDC.Issuer == "":
		return errors.New("oidc issuer URL is required")
	case h.OIDC.ClientID == "":
		return errors.New("oidc client_id is required")
	}
	return nil
}

func (h *Handler) validateRoles() error {
	if len(h.Roles) == 0 {
		return errors.New("lockbox needs at least one role: without one no agent could ever sign in")
	}
	for _, r := range h.Roles {
		if err := validateRole(r); err != nil {
			return err
		}
	}
	return nil
}

func validateRole(r Role) error {
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

func (h *Handler) validateDurations() error {
	sessionMax := orDefault(time.Duration(h.SessionMax), login.DefaultSessionMax)
	idle := time.Duration(h.IdleTimeout)
	ttl := time.Duration(h.TokenTTL)
	switch {
	case sessionMax < minSessionMax || sessionMax > login.MaxSessionMax:
		return fmt.Errorf("session_max %s is out of range: use 1m to 30d", sessionMax)
	case idle != 0 && (idle < minIdle || idle > sessionMax):
		return fmt.Errorf("idle_timeout %s is out of range: use 1s up to session_max (%s)", idle, sessionMax)
	case ttl != 0 && (ttl < minTokenTTL || ttl > maxTokenTTL):
		return fmt.Errorf("token_ttl %s is out of range: use 1s to 1h", ttl)
	}
	return nil
}

func (h *Handler) validatePaths() error {
	if h.Prefix != "" && !prefixPattern.MatchString(h.Prefix) {
		return fmt.Errorf("prefix %q must be an absolute path such as /_lockbox, of letters, digits, '.', '_', '~' or '-'", clip(h.Prefix))
	}
	if h.Landing != "" && login.SafeReturnTo(h.Landing, "") == "" {
		return fmt.Errorf("landing %q must be a path on this site, such as /", clip(h.Landing))
	}
	return nil
}

func (h *Handler) validateDeny() error {
	_, err := denyRules(h.Deny)
	return err
}

// validateHeaderPrefix checks header_prefix when the config is adapted,
// not only when it is loaded.
func (h *Handler) validateHeaderPrefix() error {
	_, err := policy.NewScrubber(h.HeaderPrefix)
	return err
}

func (h *Handler) validateAreas() error {
	return policy.Areas(h.Areas).Validate()
}

// orDefault returns d, or def when d is zero.
func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}
