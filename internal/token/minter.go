package token

import (
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/sync/singleflight"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// DefaultTTL is a token's lifetime when MinterConfig.TTL is zero.
const DefaultTTL = 5 * time.Minute

// maxCached bounds how many sessions' tokens a Minter keeps.
const maxCached = 100_000

// MinterConfig says what the tokens claim.
type MinterConfig struct {
	// Issuer is the iss claim, e.g. https://app.example.com/_lockbox; the
	// discovery document and JWKS are published under it.
	Issuer string
	// Audience is the aud claim the upstream app checks.
	Audience string
	// TTL is a token's lifetime, never past the session's end; 0 means
	// DefaultTTL.
	TTL time.Duration
}

// Minter mints impersonation tokens and reuses each session's token for
// most of its lifetime, so signing happens once per token, not per
// request. It is safe for concurrent use.
type Minter struct {
	keys  *Keys
	cfg   MinterConfig
	now   func() time.Time
	cache *tokenCache
	// renewals signs once per session when its concurrent requests all
	// find the token due for renewal.
	renewals singleflight.Group
}

// NewMinter returns a Minter signing with keys; now is the clock
// (time.Now when nil).
func NewMinter(keys *Keys, cfg MinterConfig, now func() time.Time) (*Minter, error) {
	switch {
	case keys == nil:
		return nil, errors.New("token minter: no signing keys")
	case cfg.Issuer == "":
		return nil, errors.New("token minter: issuer is empty")
	case cfg.Audience == "":
		return nil, errors.New("token minter: audience is empty")
	case cfg.TTL < 0:
		return nil, fmt.Errorf("token minter: lifetime %v is negative", cfg.TTL)
	case cfg.TTL == 0:
		cfg.TTL = DefaultTTL
	}
	if now == nil {
		now = time.Now
	}
	return &Minter{keys: keys, cfg: cfg, now: now, cache: newTokenCache(maxCached)}, nil
}

// Token returns the session's token and its expiry. A token minted
// earlier is returned again while more than a fifth of its lifetime is
// left and its key still signs; otherwise a new one is minted. The expiry
// is never past sess.EndsAt; ErrSessionOver if the session is over.
func (m *Minter) Token(sess store.Session) (string, time.Time, error) {
	if err := checkSession(sess); err != nil {
		return "", time.Time{}, err
	}
	key, err := m.keys.Signer()
	if err != nil {
		return "", time.Time{}, err
	}
	now := m.now()
	if e, ok := m.cache.get(sess.ID); ok && e.usable(sess, key.ID, now) {
		return e.raw, e.exp, nil
	}
	e, err := m.renew(sess, key, now)
	if err != nil {
		return "", time.Time{}, err
	}
	return e.raw, e.exp, nil
}

// Forget drops the session's cached token; call it when the session ends.
func (m *Minter) Forget(sessionID string) { m.cache.remove(sessionID) }

// checkSession refuses a session no token should be minted for.
func checkSession(sess store.Session) error {
	switch {
	case sess.Ended():
		return ErrSessionOver
	case sess.ID == "" || sess.Tenant == "" || sess.Agent.Subject == "":
		return errors.New("mint token: the session lacks an id, tenant or agent")
	case sess.EndsAt.IsZero():
		return errors.New("mint token: the session has no end time")
	case !sess.BreakGlass && sess.Grant == "":
		return errors.New("mint token: the session has no grant and is not break-glass")
	}
	return nil
}

// mint signs a new token for sess with key at now.
func (m *Minter) mint(sess store.Session, key Key, now time.Time) (cached, error) {
	exp := now.Add(m.cfg.TTL)
	if sess.EndsAt.Before(exp) {
		exp = sess.EndsAt
	}
	issued, expires := jwt.NewNumericDate(now), jwt.NewNumericDate(exp)
	if !expires.After(now) {
		return cached{}, ErrSessionOver
	}
	c := newClaims(sess, m.cfg)
	c.IssuedAt, c.NotBefore, c.ExpiresAt = issued, issued, expires
	c.ID = rand.Text()
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, c)
	tok.Header["kid"] = key.ID
	raw, err := tok.SignedString(key.private)
	if err != nil {
		return cached{}, fmt.Errorf("sign token: %w", err)
	}
	life := expires.Sub(now)
	return cached{
		raw: raw, kid: key.ID, tenant: sess.Tenant,
		exp: expires.Time, renew: now.Add(life - life/5),
	}, nil
}
