// Package adminlink signs the links that open Lockbox's hosted Support
// Access page for one tenant admin, and keeps the admin's browser session
// once a link is opened.
//
// A link carries a JWT (HS256, header typ "lockbox-admin+jwt", audience
// "lockbox-admin") bound to the tenant, the admin's id and role, an
// expiry and a unique id, and names its key in the header (kid). The HMAC
// keys are 32 random bytes kept in the store (record kind "keys", id
// "adminlink"), so every instance signs and verifies with the same ones;
// Rotate adds a new signing key and keeps the old one until the links it
// signed have expired. UseKeyFile takes the keys from a file instead.
// A link's POST spends it, once across every instance, and starts an
// admin session with its own cookie, separate from the agents' sessions;
// opening a link never changes a grant.
package adminlink

import (
	"errors"

	"github.com/lockbox-gw/lockbox/internal/problem"
)

// The token's fixed parts; verification requires each.
const (
	// Audience is the aud claim of every admin link token.
	Audience = "lockbox-admin"
	// TokenType is the JWT header typ, distinct from the impersonation
	// token's, so neither token passes for the other.
	TokenType = "lockbox-admin+jwt"
	// Algorithm is the only signing algorithm accepted.
	Algorithm = "HS256"
)

// Sentinels the callers test with errors.Is. The problems this package
// returns carry them as their cause, so a caller can both branch on the
// sentinel and show the problem's plain message.
var (
	// ErrInvalid: the token is malformed, altered, or not an admin link.
	ErrInvalid = errors.New("invalid admin link")
	// ErrExpired: the token is genuine but past its expiry.
	ErrExpired = errors.New("admin link expired")
	// ErrWrongTenant: a genuine link or session of one tenant was used
	// for another.
	ErrWrongTenant = errors.New("admin link is for another tenant")
	// ErrNoSession: the request carries no live admin session.
	ErrNoSession = errors.New("no admin session")
	// ErrInsecure: an admin session over plain HTTP to a public host,
	// where its cookie could not be kept safe.
	ErrInsecure = errors.New("admin session needs HTTPS")
)

// Problem codes of the errors this package returns.
const (
	CodeInvalid     = "admin_link_invalid"
	CodeExpired     = "admin_link_expired"
	CodeWrongTenant = "admin_wrong_tenant"
	CodeNoSession   = "admin_no_session"
	CodeInsecure    = "admin_needs_https"
)

func invalidLink() error {
	return &problem.Error{Kind: problem.Forbidden, Code: CodeInvalid, Cause: ErrInvalid,
		Message: "this Support Access link is not valid; ask for a new one"}
}

func expiredLink() error {
	return &problem.Error{Kind: problem.Forbidden, Code: CodeExpired, Cause: ErrExpired,
		Message: "this Support Access link has expired; ask for a new one"}
}

func wrongTenant(want string) error {
	return &problem.Error{Kind: problem.Forbidden, Code: CodeWrongTenant, Cause: ErrWrongTenant,
		Message: "this Support Access link is for another tenant than " + want}
}

func noSession() error {
	return &problem.Error{Kind: problem.Forbidden, Code: CodeNoSession, Cause: ErrNoSession,
		Message: "your Support Access session has ended; open a new link"}
}

func insecure() error {
	return &problem.Error{Kind: problem.Invalid, Code: CodeInsecure, Cause: ErrInsecure,
		Message: "the Support Access page needs HTTPS; plain HTTP is only allowed on a loopback address"}
}
