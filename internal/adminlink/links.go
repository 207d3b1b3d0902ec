package adminlink

import (
	"context"
	"crypto/rand"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// maxToken bounds a token before it is parsed; real ones are far shorter.
const maxToken = 4096

// PagePath is the hosted page's path under the Lockbox prefix.
const PagePath = "/admin"

// Links signs and verifies admin links. It is safe for concurrent use.
type Links struct {
	keys *keyring
	now  func() time.Time
}

// NewLinks returns links signed with the key kept in st; now is the
// clock (time.Now when nil). The key is read, or created, on first use.
func NewLinks(st store.Store, now func() time.Time) *Links {
	if now == nil {
		now = time.Now
	}
	return &Links{keys: &keyring{store: st, now: now}, now: now}
}

// Sign returns the token for c and c as signed, with IssuedAt and a
// fresh ID set. c must name a valid tenant, an admin id and a role, and
// expire within MaxTTL.
func (l *Links) Sign(ctx context.Context, c Claims) (string, Claims, error) {
	now := l.now().UTC()
	if err := c.validate(now); err != nil {
		if _, ok := errors.AsType[*problem.Error](err); !ok {
			err = problem.New(problem.Invalid, "invalid_admin_link", "%s", err)
		}
		return "", Claims{}, err
	}
	key, err := l.keys.signer(ctx)
	if err != nil {
		return "", Claims{}, err
	}
	c.IssuedAt, c.ID = now, rand.Text()
	c.ExpiresAt = c.ExpiresAt.UTC()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, toToken(c))
	tok.Header["typ"] = TokenType
	tok.Header["kid"] = key.ID
	raw, err := tok.SignedString(key.Secret)
	if err != nil {
		return "", Claims{}, err
	}
	// The token carries whole seconds; return what Verify will read.
	c.IssuedAt, c.ExpiresAt = c.IssuedAt.Truncate(time.Second), c.ExpiresAt.Truncate(time.Second)
	return raw, c, nil
}

// Link signs c and returns the URL of the hosted page that opens it,
// <publicURL><prefix>/admin?token=..., and c as signed.
func (l *Links) Link(ctx context.Context, publicURL, prefix string, c Claims) (string, Claims, error) {
	raw, signed, err := l.Sign(ctx, c)
	if err != nil {
		return "", Claims{}, err
	}
	u := strings.TrimSuffix(publicURL, "/")
	if p := strings.Trim(prefix, "/"); p != "" {
		u += "/" + p
	}
	u += PagePath
	return u + "?token=" + url.QueryEscape(raw), signed, nil
}

// Verify returns the claims of a token Sign made. An altered, malformed
// or foreign token is ErrInvalid; a genuine one past its expiry is
// ErrExpired (both as Forbidden problems); a store failure while the key
// is first read is a problem.Store error.
func (l *Links) Verify(ctx context.Context, raw string) (Claims, error) {
	if raw == "" || len(raw) > maxToken {
		return Claims{}, invalidLink()
	}
	if _, err := l.keys.current(ctx, false); err != nil {
		return Claims{}, err
	}
	var storeErr error
	var tc tokenClaims
	_, err := l.parser().ParseWithClaims(raw, &tc, func(t *jwt.Token) (any, error) {
		return l.keyOf(ctx, t, &storeErr)
	})
	switch {
	case storeErr != nil:
		return Claims{}, storeErr
	case errors.Is(err, jwt.ErrTokenExpired):
		return Claims{}, expiredLink()
	case err != nil:
		return Claims{}, invalidLink()
	}
	c, ok := fromToken(&tc)
	if !ok {
		return Claims{}, invalidLink()
	}
	return c, nil
}

// keyOf returns the secret of the key that signed t: the one its kid
// names, or for a link made before keys rotated (no kid) the legacy
// key. A retired key past its time opens nothing. A store failure is put
// in *storeErr, so it is not mistaken for a bad link.
func (l *Links) keyOf(ctx context.Context, t *jwt.Token, storeErr *error) (any, error) {
	if typ, _ := t.Header["typ"].(string); typ != TokenType {
		return nil, ErrInvalid
	}
	kid, ok := t.Header["kid"].(string)
	if _, present := t.Header["kid"]; (present && !ok) || len(kid) > maxKeyID {
		return nil, ErrInvalid
	}
	key, ok, err := l.keys.verifier(ctx, kid)
	switch {
	case err != nil:
		*storeErr = err
		return nil, err
	case !ok:
		return nil, ErrInvalid
	}
	return key.Secret, nil
}

// maxKeyID bounds a kid before the keys are searched for it.
const maxKeyID = 64

// parser pins the algorithm, audience and expiry, and refuses
// non-canonical base64, so changing any character of a token breaks it.
func (l *Links) parser() *jwt.Parser {
	return jwt.NewParser(
		jwt.WithValidMethods([]string{Algorithm}),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithStrictDecoding(),
		jwt.WithTimeFunc(l.now),
	)
}

// Rotate makes a fresh key sign new links on every instance. The key it
// retires keeps opening the links it signed, each until its own expiry,
// and is dropped RetiredKeyKept after the rotation. It returns the new
// key's id and when the retired one stops opening links. Keys from
// UseKeyFile are not rotated (ErrFixedKey).
func (l *Links) Rotate(ctx context.Context) (kid string, previousUntil time.Time, err error) {
	fresh, retired, err := l.keys.rotate(ctx)
	if err != nil {
		return "", time.Time{}, err
	}
	return fresh.ID, retired.KeepUntil, nil
}
