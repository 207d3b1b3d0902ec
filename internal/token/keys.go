package token

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Keys is the signing key set shared by every instance through the store.
// It is safe for concurrent use; Signer and JWKS read a cached snapshot
// and touch the store only after Invalidate.
type Keys struct {
	store store.Store
	now   func() time.Time

	// gen counts invalidations; a snapshot taken at an older gen is stale.
	gen   atomic.Uint64
	state atomic.Pointer[keyState]

	// reloads runs one store read of the key set at a time and hands its
	// result to every caller that asked meanwhile, so a burst of requests
	// after Invalidate costs one store read, and a store outage one
	// timeout, not one per request.
	reloads singleflight.Group
}

// reloadKey is the one singleflight key: every reload shares it.
const reloadKey = "keys"

// keyState is one immutable snapshot of the published keys.
type keyState struct {
	gen   uint64
	fixed bool  // from a PEM file: never reloaded from the store
	keys  []Key // published keys, the current one first
	jwks  []byte
	// nextDrop is when the first retired key stops being published; zero
	// if none is retired.
	nextDrop time.Time
}

// NewKeys returns the key set kept in s; now is the clock (time.Now when
// nil). Nothing is read until Load, or the first Signer or JWKS call.
func NewKeys(s store.Store, now func() time.Time) *Keys {
	if now == nil {
		now = time.Now
	}
	return &Keys{store: s, now: now}
}

// Load reads the key set from the store. If there is none it generates a
// key and stores it; when another instance stores one first, Load uses
// theirs, so every instance signs with the same keys. Load replaces a key
// set from LoadPEM.
func (k *Keys) Load(ctx context.Context) error {
	_, err := k.reload(func() (*keyState, error) { return k.load(ctx) })
	return err
}

// reload runs fn, or waits for the reload already in progress.
func (k *Keys) reload(fn func() (*keyState, error)) (*keyState, error) {
	v, err, _ := k.reloads.Do(reloadKey, func() (any, error) { return fn() })
	st, _ := v.(*keyState)
	return st, err
}

// load reads or creates the stored key set and installs it.
func (k *Keys) load(ctx context.Context) (*keyState, error) {
	gen := k.gen.Load()
	raw, err := k.readOrCreate(ctx)
	if err != nil {
		return nil, err
	}
	keys, err := decodeRecord(raw)
	if err != nil {
		return nil, err
	}
	return k.install(keys, gen, false)
}

// install makes keys the current snapshot, unless one taken at a later
// gen is installed already: an older read never replaces a newer one.
func (k *Keys) install(keys []Key, gen uint64, fixed bool) (*keyState, error) {
	st, err := newState(keys, gen, fixed, k.now())
	if err != nil {
		return nil, err
	}
	for {
		cur := k.state.Load()
		if cur != nil && cur.gen > gen {
			return cur, nil
		}
		if k.state.CompareAndSwap(cur, st) {
			return st, nil
		}
	}
}

// readOrCreate returns the stored key set, creating it if there is none.
func (k *Keys) readOrCreate(ctx context.Context) ([]byte, error) {
	raw, err := k.store.GetRecord(ctx, recordKind, recordID)
	if !errors.Is(err, store.ErrNotFound) {
		return raw, storeErr("read", err)
	}
	first, err := newKey(k.now())
	if err != nil {
		return nil, err
	}
	raw, err = encodeRecord([]Key{first})
	if err != nil {
		return nil, err
	}
	created, err := k.store.CreateRecord(ctx, recordKind, recordID, raw, 0)
	if err != nil || created {
		return raw, storeErr("store", err)
	}
	// Another instance stored its key set first: sign with theirs.
	raw, err = k.store.GetRecord(ctx, recordKind, recordID)
	return raw, storeErr("read", err)
}

// storeErr wraps a store failure; nil stays nil.
func storeErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s signing keys: %w", op, err)
}

// Invalidate marks the keys stale: the next Signer or JWKS call reloads
// them from the store. Call it when a store.ChangeKeys arrives. Keys from
// LoadPEM are never reloaded.
func (k *Keys) Invalidate() { k.gen.Add(1) }

// Observe invalidates the keys on a change that may concern them
// (store.ChangeKeys or store.ChangeResync); it suits a store Watch.
func (k *Keys) Observe(c store.Change) {
	if c.Kind == store.ChangeKeys || c.Kind == store.ChangeResync {
		k.Invalidate()
	}
}

// Signer returns the key that signs new tokens, loading the key set first
// if it was never loaded or has been invalidated.
func (k *Keys) Signer() (Key, error) {
	st, err := k.current()
	if err != nil {
		return Key{}, err
	}
	return st.keys[0], nil
}

// JWKS returns the JSON Web Key Set of the published public keys: the
// current key and retired keys whose tokens may still be valid. The bytes
// are shared and rebuilt only when the keys change: do not modify them.
func (k *Keys) JWKS() ([]byte, error) {
	st, err := k.current()
	if err != nil {
		return nil, err
	}
	if st.nextDrop.IsZero() || !k.now().After(st.nextDrop) {
		return st.jwks, nil
	}
	// A retired key has outlived its tokens: stop publishing it.
	next, err := newState(st.keys, st.gen, st.fixed, k.now())
	if err != nil {
		return nil, err
	}
	k.state.CompareAndSwap(st, next)
	return next.jwks, nil
}

// current returns a fresh snapshot, reloading a missing or stale one.
func (k *Keys) current() (*keyState, error) {
	if st := k.state.Load(); st.fresh(k.gen.Load()) {
		return st, nil
	}
	return k.reload(k.refresh)
}

// refresh reloads the key set unless another caller already did.
func (k *Keys) refresh() (*keyState, error) {
	if st := k.state.Load(); st.fresh(k.gen.Load()) {
		return st, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), reloadTimeout)
	defer cancel()
	return k.load(ctx)
}

// reloadTimeout bounds a reload that runs on a request's path, which has
// no context of its own here.
const reloadTimeout = 5 * time.Second

// fresh reports whether the snapshot may be used at invalidation gen.
func (st *keyState) fresh(gen uint64) bool {
	return st != nil && (st.fixed || st.gen == gen)
}

// newState builds the snapshot of the keys published at now.
func newState(keys []Key, gen uint64, fixed bool, now time.Time) (*keyState, error) {
	st := &keyState{gen: gen, fixed: fixed}
	for _, key := range keys {
		if !key.published(now) {
			continue
		}
		st.keys = append(st.keys, key)
		if !key.keepUntil.IsZero() && (st.nextDrop.IsZero() || key.keepUntil.Before(st.nextDrop)) {
			st.nextDrop = key.keepUntil
		}
	}
	jwks, err := buildJWKS(st.keys)
	if err != nil {
		return nil, err
	}
	st.jwks = jwks
	return st, nil
}
