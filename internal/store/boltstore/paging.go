package boltstore

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// newestFirst lists a tenant's records (grants or sessions) newest first,
// one page at a time: items holds them by id, order by creation time. The
// cursor names the last record returned, so records added meanwhile do
// not shift pages. Records are never deleted, so a cursor naming no key
// is one the store did not hand out.
func newestFirst[T any](ctx context.Context, s *Store, what, tenant string, itemsBucket, orderBucket []byte, p store.Page) ([]T, string, error) {
	var after []byte
	if p.Cursor != "" {
		var err error
		if after, err = decodeCursor(p.Cursor); err != nil {
			return nil, "", fmt.Errorf("%s of tenant %s: %w", what, tenant, err)
		}
	}
	var page []T
	var next string
	err := s.view(ctx, func(tx *bolt.Tx) error {
		tb := tenantBucket(tx, tenant)
		var err error
		page, next, err = readNewestFirst[T](child(tb, itemsBucket), child(tb, orderBucket), after, p.Size())
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("%s of tenant %s: %w", what, tenant, err)
	}
	return page, next, nil
}

// readNewestFirst walks order backwards from just before the key after
// (from the end if nil) and returns up to size items and the next cursor.
func readNewestFirst[T any](items, order *bolt.Bucket, after []byte, size int) ([]T, string, error) {
	if after != nil && (order == nil || order.Get(after) == nil) {
		return nil, "", store.ErrInvalidCursor
	}
	if items == nil || order == nil {
		return nil, "", nil
	}
	c := order.Cursor()
	k, id := c.Last()
	if after != nil {
		c.Seek(after)
		k, id = c.Prev()
	}
	var page []T
	var last []byte
	for ; k != nil && len(page) < size; k, id = c.Prev() {
		var v T
		if err := getJSON(items, id, &v); err != nil {
			return nil, "", fmt.Errorf("entry %s: %w", id, err)
		}
		page = append(page, v)
		last = k
	}
	if k == nil {
		return page, "", nil
	}
	return page, encodeCursor(last), nil
}
