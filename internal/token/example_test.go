package token_test

import (
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/store/boltstore"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// lockboxClaims are the claims of the X-Lockbox-Token header, as an
// upstream app declares them. Typed fields make decoding refuse a claim of
// the wrong type.
type lockboxClaims struct {
	Tenant     string       `json:"tenant"`
	Actor      lockboxActor `json:"act"`
	Scope      string       `json:"scope"`
	SessionID  string       `json:"sid"`
	Grant      string       `json:"grant"`
	BreakGlass bool         `json:"break_glass"`
	jwt.RegisteredClaims
}

// lockboxActor is the support agent acting in the tenant.
type lockboxActor struct {
	Subject string `json:"sub"`
	Email   string `json:"email"`
	Issuer  string `json:"iss"`
}

// Validate runs after the signature, issuer, audience and times are
// checked: the claims must describe one agent in one tenant, under a
// grant unless it is break-glass.
func (c *lockboxClaims) Validate() error {
	switch {
	case c.Subject == "" || c.Subject != c.Tenant:
		return errors.New("sub and tenant differ")
	case c.Actor.Subject == "" || c.SessionID == "":
		return errors.New("act.sub or sid missing")
	case c.BreakGlass != (c.Grant == ""):
		return errors.New("a token has a grant exactly when it is not break-glass")
	}
	return nil
}

// verifyToken is the recipe for an upstream app. jwksJSON is the body of
// GET https://<site>/_lockbox/jwks.json: fetch it at start, cache it, and
// fetch it again when a token names a kid it lacks (after a rotation).
// Pin the algorithm, and check issuer, audience and expiry; then check
// that the tenant is the one the request is for.
func verifyToken(raw string, jwksJSON []byte, issuer, audience string, now func() time.Time) (*lockboxClaims, error) {
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(jwksJSON, &set); err != nil {
		return nil, fmt.Errorf("bad JWKS: %w", err)
	}
	keyFor := func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		keys := set.Key(kid)
		if len(keys) != 1 {
			return nil, fmt.Errorf("unknown kid %q", kid)
		}
		pub, ok := keys[0].Key.(*ecdsa.PublicKey)
		if !ok {
			return nil, errors.New("the key is not an EC public key")
		}
		return pub, nil
	}
	claims := &lockboxClaims{}
	_, err := jwt.ParseWithClaims(raw, claims, keyFor,
		jwt.WithValidMethods([]string{"ES256"}),
		jwt.WithIssuer(issuer),
		jwt.WithAudience(audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(now),
	)
	if err != nil {
		return nil, err
	}
	return claims, nil
}

// Example_verify mints a token as Lockbox does, then verifies it the way
// an upstream app should, with verifyToken.
func Example_verify() {
	dir, err := os.MkdirTemp("", "lockbox-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	db, err := boltstore.Open(filepath.Join(dir, "lockbox.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()

	// Lockbox's side: keys in the store, a minter, a session's token.
	keys := token.NewKeys(db, nil)
	minter, err := token.NewMinter(keys, token.MinterConfig{
		Issuer:   "https://app.example.com/_lockbox",
		Audience: "app.example.com",
	}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Now()
	raw, _, err := minter.Token(store.Session{
		ID: "s_1", Tenant: "acme", Grant: "g_1",
		Agent:  store.Agent{Subject: "agent-7", Email: "ann@vendor.example", Issuer: "https://login.example.com"},
		Scopes: []string{"read", "write"},
		EndsAt: now.Add(time.Hour),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	jwks, err := keys.JWKS()
	if err != nil {
		fmt.Println(err)
		return
	}

	// The app's side.
	claims, err := verifyToken(raw, jwks, "https://app.example.com/_lockbox", "app.example.com", time.Now)
	if err != nil {
		fmt.Println("refused:", err)
		return
	}
	fmt.Println(claims.Tenant, claims.Actor.Email, claims.Scope, claims.BreakGlass)
	// Output: acme ann@vendor.example read write false
}
