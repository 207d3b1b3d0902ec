package redisstore

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lockbox-gw/lockbox/internal/store"
)

var (
	//go:embed lua/extend.lua
	extendSrc    string
	extendScript = redis.NewScript(extendSrc)
)

// ExtendGrant moves the expiry of the tenant's active grant id. It reads
// the grant, extends it in Go, and lets a script write it only if the
// grant is still active and unchanged; otherwise it reads again.
func (s *Store) ExtendGrant(ctx context.Context, tenant, id string, ext store.Extension) (store.Grant, error) {
	if err := checkTenant(tenant); err != nil {
		return store.Grant{}, fmt.Errorf("redis: extend grant: %w", err)
	}
	if err := checkGrantID(id); err != nil {
		return store.Grant{}, fmt.Errorf("redis: extend grant: %w", err)
	}
	defer s.grantChanged(tenant, id)
	k := keysOf(tenant)
	for attempt := range maxAttempts {
		g, done, err := s.tryExtend(ctx, k, tenant, id, ext)
		if err != nil || done {
			return g, err
		}
		if err := backoff(ctx, attempt); err != nil {
			return store.Grant{}, fmt.Errorf("redis: extend grant %s: %w", id, err)
		}
	}
	return store.Grant{}, fmt.Errorf("redis: extend grant %s: it kept changing; gave up after %d attempts", id, maxAttempts)
}

// tryExtend makes one attempt; done is false when the grant changed
// between the read and the write.
func (s *Store) tryExtend(ctx context.Context, k tenantKeys, tenant, id string, ext store.Extension) (store.Grant, bool, error) {
	g, raw, err := s.readGrant(ctx, k, id)
	if err != nil {
		return store.Grant{}, true, fmt.Errorf("redis: extend grant %s: %w", id, err)
	}
	if g.Ended() {
		return store.Grant{}, true, fmt.Errorf("redis: extend grant %s: %w", id, store.ErrEnded)
	}
	if g.Standing() {
		return store.Grant{}, true, fmt.Errorf("redis: extend grant %s: a standing grant has no expiry to move", id)
	}
	ext.From = *g.ExpiresAt
	g = g.Extend(ext)
	next, err := json.Marshal(g)
	if err != nil {
		return store.Grant{}, true, fmt.Errorf("redis: extend grant %s: %w", id, err)
	}
	res, err := extendScript.Run(ctx, s.c, []string{k.active(), k.grant(id)},
		id, raw, next, activeTTL(g, time.Now()).Milliseconds(), changesChannel, changeMessage(tenant, id),
	).Text()
	switch {
	case err != nil:
		return store.Grant{}, true, fmt.Errorf("redis: extend grant %s: %w", id, err)
	case res == "ok":
		return g, true, nil
	case res == "ended":
		return store.Grant{}, true, fmt.Errorf("redis: extend grant %s: %w", id, store.ErrEnded)
	case res == "notfound":
		return store.Grant{}, true, fmt.Errorf("redis: extend grant %s: %w", id, store.ErrNotFound)
	}
	return store.Grant{}, false, nil
}
