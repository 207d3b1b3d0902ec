package adminlink

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// The store record that holds the HMAC keys.
const (
	keyKind = "keys"
	keyID   = "adminlink"
	keyLen  = 32
)

// refreshEvery is how long an instance signs with the keys it read
// before reading them again, so a rotation made elsewhere reaches it. A
// link signed with a key it does not know yet makes it read at once.
const refreshEvery = time.Minute

// rotationMargin is added to MaxTTL when a key is retired: links signed
// by an instance that had not yet seen the rotation live that much
// longer.
const rotationMargin = 5 * time.Minute

// RetiredKeyKept is how long a retired key still opens the links it
// signed: the longest a link may live, and a margin. Each link still
// stops at its own expiry.
const RetiredKeyKept = MaxTTL + rotationMargin

// errCorruptKey is returned for a key record that cannot be read; it
// never carries the record's bytes.
var errCorruptKey = errors.New("the admin link keys in the store are unreadable")

// ErrFixedKey is returned by Rotate when the keys come from a file
// (UseKeyFile): Lockbox never rotates those.
var ErrFixedKey = errors.New("the admin link key comes from link_key_file and is not rotated by Lockbox")

// keyring holds the link keys: the stored, rotating set, or a fixed set
// from a file.
type keyring struct {
	store store.Store
	now   func() time.Time
	mu    sync.Mutex
	set   *keySet
}

// signer returns the key that signs new links.
func (k *keyring) signer(ctx context.Context) (linkKey, error) {
	set, err := k.current(ctx, false)
	if err != nil {
		return linkKey{}, err
	}
	return set.keys[0], nil
}

// verifier returns the key kid names (the legacy key when kid is
// empty), if it still opens links; a kid this instance does not know
// makes it read the stored keys again, as another may have rotated them.
func (k *keyring) verifier(ctx context.Context, kid string) (linkKey, bool, error) {
	set, err := k.current(ctx, false)
	if err != nil {
		return linkKey{}, false, err
	}
	key, ok := set.find(kid)
	if !ok && !set.fixed && kid != "" {
		if set, err = k.current(ctx, true); err != nil {
			return linkKey{}, false, err
		}
		key, ok = set.find(kid)
	}
	return key, ok && key.accepted(k.now()), nil
}

// current returns the key set, reading or creating it when none is
// loaded, when it is older than refreshEvery, or when reload is set.
func (k *keyring) current(ctx context.Context, reload bool) (*keySet, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.now()
	if s := k.set; s != nil && (s.fixed || (!reload && now.Sub(s.loadedAt) < refreshEvery && !now.Before(s.loadedAt))) {
		return s, nil
	}
	raw, err := k.readOrCreate(ctx)
	if err != nil {
		return nil, err
	}
	keys, err := decodeKeys(raw)
	if err != nil {
		return nil, err
	}
	k.set = &keySet{keys: keys, loadedAt: now}
	return k.set, nil
}

func (k *keyring) readOrCreate(ctx context.Context) ([]byte, error) {
	raw, err := k.store.GetRecord(ctx, keyKind, keyID)
	if !errors.Is(err, store.ErrNotFound) {
		return raw, keyErr("read", err)
	}
	fresh, err := encodeKeys([]linkKey{newKey(k.now())})
	if err != nil {
		return nil, err
	}
	created, err := k.store.CreateRecord(ctx, keyKind, keyID, fresh, 0)
	if err != nil || created {
		return fresh, keyErr("store", err)
	}
	// Another instance stored its key first: sign with theirs.
	raw, err = k.store.GetRecord(ctx, keyKind, keyID)
	return raw, keyErr("read", err)
}

// rotateAttempts bounds the retries of a rotation that raced another.
const rotateAttempts = 5

// rotate makes a fresh key the signing key and retires the current one,
// which opens its links for RetiredKeyKept more; keys retired longer ago
// are dropped. It returns the new key and the one it retired.
func (k *keyring) rotate(ctx context.Context) (fresh, retired linkKey, err error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.set != nil && k.set.fixed {
		return linkKey{}, linkKey{}, ErrFixedKey
	}
	for range rotateAttempts {
		old, err := k.readOrCreate(ctx)
		if err != nil {
			return linkKey{}, linkKey{}, err
		}
		keys, err := decodeKeys(old)
		if err != nil {
			return linkKey{}, linkKey{}, err
		}
		now := k.now()
		next := rotatedKeys(keys, newKey(now), now)
		raw, err := encodeKeys(next)
		if err != nil {
			return linkKey{}, linkKey{}, err
		}
		ok, err := k.store.SwapRecord(ctx, keyKind, keyID, old, raw, 0)
		if err != nil {
			return linkKey{}, linkKey{}, keyErr("store", err)
		}
		if ok {
			k.set = &keySet{keys: next, loadedAt: now}
			return next[0], next[1], nil
		}
	}
	return linkKey{}, linkKey{}, fmt.Errorf("rotate admin link key: the keys kept changing under %d attempts", rotateAttempts)
}

// rotatedKeys is fresh, then keys with the current one retired at now,
// without those that no longer open any link.
func rotatedKeys(keys []linkKey, fresh linkKey, now time.Time) []linkKey {
	out := []linkKey{fresh}
	for _, key := range keys {
		if key.RetiredAt.IsZero() {
			key.RetiredAt, key.KeepUntil = now, now.Add(RetiredKeyKept)
		}
		if key.accepted(now) {
			out = append(out, key)
		}
	}
	return out
}

// useFixed replaces the stored keys with keys that are never reloaded.
func (k *keyring) useFixed(keys []linkKey) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.set = &keySet{keys: slices.Clone(keys), fixed: true}
}

// newKey returns a fresh random key created at now.
func newKey(now time.Time) linkKey {
	secret := make([]byte, keyLen)
	_, _ = rand.Read(secret) // crypto/rand.Read never fails
	return linkKey{ID: keyIDOf(secret), Secret: secret, CreatedAt: now.UTC()}
}

// keyErr wraps a store failure as unavailable; nil stays nil.
func keyErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return problem.Store(fmt.Errorf("%s admin link key: %w", op, err))
}
