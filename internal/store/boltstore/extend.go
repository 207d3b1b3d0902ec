package boltstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// ExtendGrant moves the expiry of the tenant's active grant id in one
// transaction.
func (s *Store) ExtendGrant(ctx context.Context, tenant, id string, ext store.Extension) (store.Grant, error) {
	var g store.Grant
	err := s.updateGrant(ctx, tenant, id, func(tx *bolt.Tx) error {
		tb := tenantBucket(tx, tenant)
		grants := child(tb, bucketGrants)
		if err := getJSON(grants, []byte(id), &g); err != nil {
			return err
		}
		switch {
		case !bytes.Equal(tb.Get(keyActive), []byte(id)):
			return store.ErrEnded
		case g.Standing():
			return errors.New("a standing grant has no expiry to move")
		}
		ext.From = *g.ExpiresAt
		g = g.Extend(ext)
		return putJSON(grants, []byte(id), g)
	})
	if err != nil {
		return store.Grant{}, fmt.Errorf("extend grant %s of tenant %s: %w", id, tenant, err)
	}
	return g, nil
}
