package adminlink

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// The store record that holds the HMAC key.
const (
	keyKind = "keys"
	keyID   = "adminlink"
	keyLen  = 32
)

// errCorruptKey is returned for a key record of the wrong size; it never
// carries the record's bytes.
var errCorruptKey = errors.New("the admin link key in the store is unreadable")

// keyring loads the key once and keeps it: it never changes.
type keyring struct {
	store store.Store
	mu    sync.Mutex
	key   []byte
}

// get returns the key, reading or creating it on first use. When two
// instances create one at once, CreateRecord lets one win and both use
// the winner's.
func (k *keyring) get(ctx context.Context) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key != nil {
		return k.key, nil
	}
	key, err := k.readOrCreate(ctx)
	if err != nil {
		return nil, err
	}
	if len(key) != keyLen {
		return nil, errCorruptKey
	}
	k.key = key
	return key, nil
}

func (k *keyring) readOrCreate(ctx context.Context) ([]byte, error) {
	key, err := k.store.GetRecord(ctx, keyKind, keyID)
	if !errors.Is(err, store.ErrNotFound) {
		return key, keyErr("read", err)
	}
	fresh := make([]byte, keyLen)
	_, _ = rand.Read(fresh) // crypto/rand.Read never fails
	created, err := k.store.CreateRecord(ctx, keyKind, keyID, fresh, 0)
	if err != nil || created {
		return fresh, keyErr("store", err)
	}
	key, err = k.store.GetRecord(ctx, keyKind, keyID)
	return key, keyErr("read", err)
}

// keyErr wraps a store failure as unavailable; nil stays nil.
func keyErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return problem.Store(fmt.Errorf("%s admin link key: %w", op, err))
}
