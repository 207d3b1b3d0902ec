package login

import (
	"errors"
	"fmt"
	"slices"

	"github.com/lockbox-gw/lockbox/internal/problem"
)

// Sentinels the callers test with errors.Is. The problems returned by this
// package carry them as their cause, so a caller can both branch on the
// sentinel and show the problem's plain message.
var (
	// ErrIdPUnavailable: the identity provider could not be reached (or
	// its discovery document was unusable). The next attempt tries again.
	ErrIdPUnavailable = errors.New("identity provider unavailable")
	// ErrNoRole: the agent signed in but no configured role matches.
	ErrNoRole = errors.New("agent has no lockbox role")
	// ErrNoSession: the request carries no live agent session.
	ErrNoSession = errors.New("no agent session")
)

// Problem codes of the errors Begin, Finish and Sessions return.
const (
	CodeIdPUnavailable  = "idp_unavailable"
	CodeInsecureOrigin  = "login_needs_https"
	CodeBadRequest      = "login_bad_request"
	CodeStateInvalid    = "login_state_invalid"
	CodeBrowserMismatch = "login_browser_mismatch"
	CodeWrongSite       = "login_wrong_site"
	CodeIssuerMismatch  = "login_issuer_mismatch"
	CodeIdPRefused      = "login_idp_refused"
	CodeCodeRejected    = "login_code_rejected"
	CodeTokenInvalid    = "login_token_invalid"
	CodeNonceMismatch   = "login_nonce_mismatch"
	CodeClaimsInvalid   = "login_claims_invalid"
	CodeNoRole          = "login_no_role"
	CodeSessionChanged  = "session_changed"
)

// idpUnavailable wraps a failure to reach the identity provider; the cause
// stays for logs, the message is plain.
func idpUnavailable(err error) *problem.Error {
	return &problem.Error{
		Kind:    problem.Unavailable,
		Code:    CodeIdPUnavailable,
		Message: "the sign-in provider cannot be reached right now; try again shortly",
		Cause:   fmt.Errorf("%w: %w", ErrIdPUnavailable, err),
	}
}

// refused is a sign-in refused for a reason worth a plain message; cause
// is kept for logs only.
func refused(kind problem.Kind, code, msg string, cause error) *problem.Error {
	return &problem.Error{Kind: kind, Code: code, Message: msg, Cause: cause}
}

// noRole is the error for an agent none of whose groups has a role. When
// the ID token has no roles claim at all, the fault is more likely the
// provider's configuration than the agent's groups, and it says so.
func noRole(cfg Config, hasClaim bool) *problem.Error {
	if hasClaim {
		return refused(problem.Forbidden, CodeNoRole,
			"your account has no Lockbox role; ask an administrator to add you to a support group", ErrNoRole)
	}
	hint := "the provider must be set up to put it in ID tokens"
	if !slices.Contains(cfg.Scopes, cfg.RolesClaim) {
		hint = fmt.Sprintf("many providers send it only when the %q scope is requested: add `oidc { scopes %s }` to the Lockbox configuration, or set the provider up to put it in ID tokens", cfg.RolesClaim, cfg.RolesClaim)
	}
	msg := fmt.Sprintf("your account has no Lockbox role because the sign-in provider sent no %q claim; ask an administrator to fix the setup: %s", cfg.RolesClaim, hint)
	return refused(problem.Forbidden, CodeNoRole, msg,
		fmt.Errorf("%w: the ID token has no %q claim (%s)", ErrNoRole, cfg.RolesClaim, hint))
}
