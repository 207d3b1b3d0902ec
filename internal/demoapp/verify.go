package demoapp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

// maxSkew tolerates clocks that differ slightly when checking nbf.
const maxSkew = 30 * time.Second

// claims are the impersonation token's claims the app relies on, typed so
// that a claim of the wrong type fails decoding.
type claims struct {
	Issuer     string    `json:"iss"`
	Subject    string    `json:"sub"`
	Tenant     string    `json:"tenant"`
	Actor      actor     `json:"act"`
	Scope      string    `json:"scope"`
	SessionID  string    `json:"sid"`
	Grant      string    `json:"grant"`
	BreakGlass bool      `json:"break_glass"`
	ID         string    `json:"jti"`
	NotBefore  *unixTime `json:"nbf"`
}

// actor is the support agent acting in the tenant (the RFC 8693 act claim).
type actor struct {
	Subject string `json:"sub"`
	Email   string `json:"email"`
	Issuer  string `json:"iss"`
}

// token is a verified token: its claims, raw payload and times.
type token struct {
	Claims   claims
	Raw      map[string]any
	Audience []string
	IssuedAt time.Time
	Expiry   time.Time
}

// verifier checks tokens with go-oidc against the gateway's JWKS: ES256
// only, issuer, audience and expiry.
type verifier struct {
	oidc *oidc.IDTokenVerifier
	now  func() time.Time
}

func newVerifier(cfg Config) *verifier {
	// The key set fetches with this context's client for as long as the
	// app lives, so it must not be a request's context.
	ctx := oidc.ClientContext(context.Background(), cfg.HTTPClient)
	keys := oidc.NewRemoteKeySet(ctx, cfg.Issuer+"/jwks.json")
	v := oidc.NewVerifier(cfg.Issuer, keys, &oidc.Config{
		ClientID:             cfg.Audience,
		SupportedSigningAlgs: []string{oidc.ES256},
		Now:                  cfg.Now,
	})
	return &verifier{oidc: v, now: cfg.Now}
}

// verify checks raw and returns its claims, or why it is refused.
func (v *verifier) verify(ctx context.Context, raw string) (*token, error) {
	idt, err := v.oidc.Verify(ctx, raw)
	if err != nil {
		return nil, err
	}
	t := &token{Audience: idt.Audience, IssuedAt: idt.IssuedAt, Expiry: idt.Expiry}
	if err := idt.Claims(&t.Claims); err != nil {
		return nil, fmt.Errorf("claims of the wrong type: %v", err)
	}
	if err := idt.Claims(&t.Raw); err != nil {
		return nil, fmt.Errorf("reading claims: %v", err)
	}
	if err := t.Claims.check(v.now()); err != nil {
		return nil, err
	}
	return t, nil
}

// check runs after the signature, issuer, audience and expiry: the claims
// must describe one agent in one tenant, under a grant unless it is
// break-glass. go-oidc leaves nbf to the caller.
func (c *claims) check(now time.Time) error {
	switch {
	case c.Tenant == "" || c.Subject != c.Tenant:
		return errors.New("the token's sub and tenant differ")
	case c.Actor.Subject == "" || c.SessionID == "":
		return errors.New("the token lacks act.sub or sid")
	case c.BreakGlass != (c.Grant == ""):
		return errors.New("the token must name a grant exactly when it is not break-glass")
	case c.NotBefore != nil && c.NotBefore.Time().After(now.Add(maxSkew)):
		return errors.New("the token is not valid yet (nbf)")
	}
	return nil
}

// unixTime is a NumericDate claim.
type unixTime float64

// Time returns t as a time.
func (t unixTime) Time() time.Time {
	return time.Unix(int64(t), 0)
}
