package token

import (
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// claims are the impersonation token's claims, named as the contract
// names them.
type claims struct {
	Tenant     string `json:"tenant"`
	Actor      actor  `json:"act"`
	Scope      string `json:"scope"`
	SessionID  string `json:"sid"`
	Grant      string `json:"grant,omitempty"`
	BreakGlass bool   `json:"break_glass,omitempty"`
	jwt.RegisteredClaims
}

// actor is the RFC 8693 "act" claim: the agent acting in the tenant.
type actor struct {
	Subject string `json:"sub"`
	Email   string `json:"email,omitempty"`
	Issuer  string `json:"iss"`
}

// newClaims returns the claims for sess; times are set by the caller.
func newClaims(sess store.Session, cfg MinterConfig) *claims {
	c := &claims{
		Tenant:     sess.Tenant,
		Actor:      actor{Subject: sess.Agent.Subject, Email: sess.Agent.Email, Issuer: sess.Agent.Issuer},
		Scope:      strings.Join(sess.Scopes, " "),
		SessionID:  sess.ID,
		BreakGlass: sess.BreakGlass,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:   cfg.Issuer,
			Subject:  sess.Tenant,
			Audience: jwt.ClaimStrings{cfg.Audience},
		},
	}
	if !sess.BreakGlass {
		c.Grant = sess.Grant
	}
	return c
}
