package boltstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// PutGrant makes g the tenant's active grant, ending the one it replaces
// in the same transaction. A grant id can be put only once.
func (s *Store) PutGrant(ctx context.Context, g store.Grant) (*store.Grant, error) {
	if g.Tenant == "" || g.ID == "" {
		return nil, errors.New("put grant: tenant and id are required")
	}
	var replaced *store.Grant
	err := s.updateGrant(ctx, g.Tenant, g.ID, func(tx *bolt.Tx) error {
		var err error
		replaced, err = putGrant(tx, g)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("put grant %s of tenant %s: %w", g.ID, g.Tenant, err)
	}
	return replaced, nil
}

func putGrant(tx *bolt.Tx, g store.Grant) (*store.Grant, error) {
	tb, err := createTenant(tx, g.Tenant)
	if err != nil {
		return nil, err
	}
	grants, err := tb.CreateBucketIfNotExists(bucketGrants)
	if err != nil {
		return nil, err
	}
	order, err := tb.CreateBucketIfNotExists(bucketOrder)
	if err != nil {
		return nil, err
	}
	// Overwriting would leave a second history entry and rewrite a record
	// the audit trail refers to.
	if grants.Get([]byte(g.ID)) != nil {
		return nil, errors.New("grant id already exists")
	}
	replaced, err := replaceActive(tb, grants, g)
	if err != nil {
		return nil, err
	}
	if err := putJSON(grants, []byte(g.ID), g); err != nil {
		return nil, err
	}
	if err := order.Put(orderKey(g.CreatedAt, g.ID), []byte(g.ID)); err != nil {
		return nil, err
	}
	return replaced, tb.Put(keyActive, []byte(g.ID))
}

// replaceActive ends the tenant's active grant, if any, as replaced by g.
func replaceActive(tb, grants *bolt.Bucket, g store.Grant) (*store.Grant, error) {
	id := tb.Get(keyActive)
	if id == nil {
		return nil, nil
	}
	var old store.Grant
	if err := getJSON(grants, id, &old); err != nil {
		return nil, err
	}
	old = old.End(store.Ending{At: g.CreatedAt, Reason: store.EndReplaced})
	if err := putJSON(grants, id, old); err != nil {
		return nil, err
	}
	return &old, nil
}

// ActiveGrant returns the tenant's active grant, expired or not.
func (s *Store) ActiveGrant(ctx context.Context, tenant string) (store.Grant, error) {
	var g store.Grant
	err := s.view(ctx, func(tx *bolt.Tx) error {
		tb := tenantBucket(tx, tenant)
		if tb == nil || tb.Get(keyActive) == nil {
			return store.ErrNotFound
		}
		return getJSON(child(tb, bucketGrants), tb.Get(keyActive), &g)
	})
	if err != nil {
		return store.Grant{}, fmt.Errorf("active grant of tenant %s: %w", tenant, err)
	}
	return g, nil
}

// EndGrant ends grant id if it is still the tenant's active grant.
func (s *Store) EndGrant(ctx context.Context, tenant, id string, end store.Ending) (store.Grant, error) {
	var g store.Grant
	err := s.updateGrant(ctx, tenant, id, func(tx *bolt.Tx) error {
		var err error
		g, err = endGrant(tx, tenant, id, end)
		return err
	})
	if err != nil {
		return store.Grant{}, fmt.Errorf("end grant %s of tenant %s: %w", id, tenant, err)
	}
	return g, nil
}

func endGrant(tx *bolt.Tx, tenant, id string, end store.Ending) (store.Grant, error) {
	tb := tenantBucket(tx, tenant)
	grants := child(tb, bucketGrants)
	var g store.Grant
	if err := getJSON(grants, []byte(id), &g); err != nil {
		return g, err
	}
	if !bytes.Equal(tb.Get(keyActive), []byte(id)) {
		return g, store.ErrEnded
	}
	g = g.End(end)
	if err := putJSON(grants, []byte(id), g); err != nil {
		return g, err
	}
	return g, tb.Delete(keyActive)
}

// updateGrant runs a grant write and, once it has committed, tells
// watchers.
func (s *Store) updateGrant(ctx context.Context, tenant, id string, fn func(*bolt.Tx) error) error {
	return s.updateAndPublish(ctx, store.Change{Kind: store.ChangeGrant, Tenant: tenant, ID: id}, fn)
}

// GetGrant returns one of the tenant's grants, active or ended.
func (s *Store) GetGrant(ctx context.Context, tenant, id string) (store.Grant, error) {
	var g store.Grant
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return getJSON(child(tenantBucket(tx, tenant), bucketGrants), []byte(id), &g)
	})
	if err != nil {
		return store.Grant{}, fmt.Errorf("grant %s of tenant %s: %w", id, tenant, err)
	}
	return g, nil
}

// GrantHistory lists the tenant's grants newest first.
func (s *Store) GrantHistory(ctx context.Context, tenant string, p store.Page) ([]store.Grant, string, error) {
	return newestFirst[store.Grant](ctx, s, "grant history", tenant, bucketGrants, bucketOrder, p)
}

// Tenants lists every tenant that has had a grant, in byte order, which
// bbolt's key order gives for free.
func (s *Store) Tenants(ctx context.Context) ([]string, error) {
	var out []string
	err := s.view(ctx, func(tx *bolt.Tx) error {
		top := tx.Bucket(bucketTenants)
		return top.ForEachBucket(func(name []byte) error {
			// Audit events alone create a tenant bucket; only grants count.
			if g := child(top.Bucket(name), bucketGrants); g != nil {
				if k, _ := g.Cursor().First(); k != nil {
					out = append(out, string(name))
				}
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	return out, nil
}

// getJSON decodes the value at key; store.ErrNotFound if b or the key is
// missing.
func getJSON(b *bolt.Bucket, key []byte, v any) error {
	if b == nil {
		return store.ErrNotFound
	}
	raw := b.Get(key)
	if raw == nil {
		return store.ErrNotFound
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("decode %s: %w", key, err)
	}
	return nil
}

// putJSON stores v encoded at key.
func putJSON(b *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, raw)
}
