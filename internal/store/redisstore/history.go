package redisstore

import (
	"context"
	"encoding/base64"
	"fmt"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// GrantHistory lists the tenant's grants newest first. The cursor names the
// last grant returned; the next page starts right after that grant's
// position at the time it is read, so grants added meanwhile do not shift
// it.
func (s *Store) GrantHistory(ctx context.Context, tenant string, p store.Page) ([]store.Grant, string, error) {
	if err := checkTenant(tenant); err != nil {
		return nil, "", fmt.Errorf("redis: grant history: %w", err)
	}
	k := keysOf(tenant)
	rows, size, err := s.pageRows(ctx, historyScript, k.grants(), k.grantPrefix(), p)
	if err != nil {
		return nil, "", fmt.Errorf("redis: grant history of %s: %w", tenant, err)
	}
	return historyPage(rows, size)
}

// historyPage decodes the script's id, JSON pairs into at most size grants
// and the cursor of the next page.
func historyPage(rows []any, size int) ([]store.Grant, string, error) {
	n := len(rows) / 2
	more := n > size
	n = min(n, size)
	page := make([]store.Grant, 0, n)
	last := ""
	for i := range n {
		id, _ := rows[2*i].(string)
		last = id
		raw, ok := rows[2*i+1].(string)
		if !ok {
			continue // listed but missing: skip rather than fail the page
		}
		g, err := decodeGrant(raw)
		if err != nil {
			return nil, "", fmt.Errorf("redis: grant history: grant %s: %w", id, err)
		}
		page = append(page, g)
	}
	if !more {
		return page, "", nil
	}
	return page, encodeCursor(last), nil
}

// Tenants lists every tenant that ever had a grant, in lexical order.
func (s *Store) Tenants(ctx context.Context) ([]string, error) {
	ts, err := s.c.ZRange(ctx, tenantsKey, 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: tenants: %w", err)
	}
	return ts, nil
}

// maxCursorLen bounds what a caller can make us decode and send to Redis;
// real cursors are far shorter.
const maxCursorLen = 1024

// Cursors are opaque to callers: the encoding keeps them from being read
// as, or built from, grant ids.
func encodeCursor(id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(id))
}

// decodeCursor returns the grant id a cursor names, "" for the first page.
// Whether that grant exists is for the history script to find out.
func decodeCursor(c string) (string, error) {
	if c == "" {
		return "", nil
	}
	if len(c) > maxCursorLen {
		return "", store.ErrInvalidCursor
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) == 0 {
		return "", store.ErrInvalidCursor
	}
	return string(b), nil
}
