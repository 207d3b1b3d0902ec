package token

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// rotateAttempts bounds how often Rotate retries after another instance
// changed the key set between its read and its write.
const rotateAttempts = 5

// Rotate makes a new key the signing key. The previous one is retired now
// and stays published for keepFor, which should be at least the longest
// token lifetime so tokens it signed keep verifying until they expire;
// keys retired longer ago are dropped. Every instance is told through
// store.ChangeKeys.
func (k *Keys) Rotate(ctx context.Context, keepFor time.Duration) error {
	if keepFor < 0 {
		return fmt.Errorf("rotate signing keys: keep time %v is negative", keepFor)
	}
	if err := k.rotate(ctx, keepFor); err != nil {
		return err
	}
	if err := k.store.Publish(ctx, store.Change{Kind: store.ChangeKeys}); err != nil {
		return fmt.Errorf("signing keys rotated, but other instances were not told: %w", err)
	}
	return nil
}

// rotate writes the rotated key set, retrying when another writer won,
// then invalidates the snapshot so the next use reloads the written set
// through the same single reload as every other change.
func (k *Keys) rotate(ctx context.Context, keepFor time.Duration) error {
	if st := k.state.Load(); st != nil && st.fixed {
		return ErrFixedKey
	}
	for range rotateAttempts {
		ok, err := k.tryRotate(ctx, keepFor)
		if err != nil {
			return err
		}
		if ok {
			k.Invalidate()
			_, err := k.current()
			return err
		}
	}
	return fmt.Errorf("rotate signing keys: the key set kept changing under %d attempts", rotateAttempts)
}

// tryRotate reads the key set, adds a new signing key and writes the
// result if nobody changed the set meanwhile.
func (k *Keys) tryRotate(ctx context.Context, keepFor time.Duration) (bool, error) {
	old, err := k.store.GetRecord(ctx, recordKind, recordID)
	var keys []Key
	switch {
	case errors.Is(err, store.ErrNotFound):
		old = nil
	case err != nil:
		return false, storeErr("read", err)
	default:
		if keys, err = decodeRecord(old); err != nil {
			return false, err
		}
	}
	now := k.now()
	fresh, err := newKey(now)
	if err != nil {
		return false, err
	}
	next := rotated(keys, fresh, now, keepFor)
	raw, err := encodeRecord(next)
	if err != nil {
		return false, err
	}
	return k.write(ctx, old, raw)
}

// write stores raw in place of old (nil: there was no key set).
func (k *Keys) write(ctx context.Context, old, raw []byte) (bool, error) {
	var ok bool
	var err error
	if old == nil {
		ok, err = k.store.CreateRecord(ctx, recordKind, recordID, raw, 0)
	} else {
		ok, err = k.store.SwapRecord(ctx, recordKind, recordID, old, raw, 0)
	}
	return ok, storeErr("store", err)
}

// rotated returns fresh followed by keys, the current one retired at now
// and kept for keepFor, without keys no longer published.
func rotated(keys []Key, fresh Key, now time.Time, keepFor time.Duration) []Key {
	out := []Key{fresh}
	for _, key := range keys {
		if key.RetiredAt.IsZero() {
			key.RetiredAt = now
			key.keepUntil = now.Add(keepFor)
		}
		if key.published(now) {
			out = append(out, key)
		}
	}
	return out
}
