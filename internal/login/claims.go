package login

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Bounds on what an ID token may claim.
const (
	maxClaimLen = 256
	maxGroups   = 100
)

// claims is what Lockbox reads from a verified ID token.
type claims struct {
	agent  store.Agent
	groups []string
	// hasRolesClaim: the roles claim is present, even if empty or null.
	hasRolesClaim bool
}

// readClaims type-checks the claims of a verified token: sub, email and
// name are strings, the roles claim is a string or a list of strings, and
// none holds control characters or is absurdly long.
func readClaims(tok *oidc.IDToken, rolesClaim string) (claims, error) {
	var raw map[string]json.RawMessage
	if err := tok.Claims(&raw); err != nil {
		return claims{}, badClaims(err)
	}
	c := claims{agent: store.Agent{Subject: tok.Subject, Issuer: tok.Issuer}}
	if c.agent.Subject == "" {
		return claims{}, badClaims(errors.New("sub is empty"))
	}
	var err error
	if c.agent.Email, err = optionalString(raw, "email"); err != nil {
		return claims{}, badClaims(err)
	}
	if c.agent.Name, err = optionalString(raw, "name"); err != nil {
		return claims{}, badClaims(err)
	}
	_, c.hasRolesClaim = raw[rolesClaim]
	if c.groups, err = stringList(raw[rolesClaim]); err != nil {
		return claims{}, badClaims(fmt.Errorf("claim %q: %w", rolesClaim, err))
	}
	for _, v := range []string{c.agent.Subject, c.agent.Issuer, c.agent.Email, c.agent.Name} {
		if !validClaimString(v) {
			return claims{}, badClaims(errors.New("identity claim has control characters or is too long"))
		}
	}
	return c, nil
}

// optionalString returns claim name as a string; absent or null is "".
func optionalString(raw map[string]json.RawMessage, name string) (string, error) {
	v, ok := raw[name]
	if !ok || string(v) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", fmt.Errorf("claim %q is not a string", name)
	}
	return s, nil
}

// stringList reads a list of strings or a single string; absent or null
// is an empty list.
func stringList(v json.RawMessage) ([]string, error) {
	if len(v) == 0 || string(v) == "null" {
		return nil, nil
	}
	var one string
	if err := json.Unmarshal(v, &one); err == nil {
		return checkGroups([]string{one})
	}
	var list []string
	if err := json.Unmarshal(v, &list); err != nil {
		return nil, errors.New("not a string or a list of strings")
	}
	return checkGroups(list)
}

// checkGroups bounds the number and the form of groups.
func checkGroups(groups []string) ([]string, error) {
	if len(groups) > maxGroups {
		return nil, fmt.Errorf("more than %d groups", maxGroups)
	}
	for _, g := range groups {
		if !validClaimString(g) {
			return nil, errors.New("a group has control characters or is too long")
		}
	}
	return groups, nil
}

// validClaimString reports whether s is valid UTF-8, at most maxClaimLen
// bytes, and free of control and line-separator characters (which could
// split a header or a log line).
func validClaimString(s string) bool {
	return len(s) <= maxClaimLen && utf8.ValidString(s) && !hasControl(s)
}

// hasControl reports whether s has a control or line-separator character.
func hasControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return true
		}
	}
	return false
}

// badClaims is the error for an ID token whose claims Lockbox refuses.
func badClaims(cause error) *problem.Error {
	return refused(problem.Forbidden, CodeClaimsInvalid,
		"the sign-in provider sent an identity Lockbox cannot accept (a claim is malformed or too long)", cause)
}
