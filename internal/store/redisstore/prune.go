package redisstore

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Prune scripts; see the files for their keys and arguments.
var (
	//go:embed lua/session_prune.lua
	sessionPruneSrc    string
	sessionPruneScript = redis.NewScript(sessionPruneSrc)

	//go:embed lua/grant_prune.lua
	grantPruneSrc    string
	grantPruneScript = redis.NewScript(grantPruneSrc)
)

var _ store.HistoryRetention = (*Store)(nil)

// pruneScan is how many entries one prune looks at per entry it may
// delete, so sessions still open do not stall it.
const pruneScan = 4

// PruneSessions deletes sessions that ended before cutoff in one script.
func (s *Store) PruneSessions(ctx context.Context, tenant string, cutoff time.Time, limit int) (int, error) {
	if err := errors.Join(checkTenant(tenant), store.CheckPrune(tenant, limit)); err != nil {
		return 0, fmt.Errorf("redis: prune sessions: %w", err)
	}
	k := keysOf(tenant)
	n, err := sessionPruneScript.Run(ctx, s.c, []string{k.sessions()},
		cutoff.UnixMicro(), k.sessionPrefix(), limit, limit*pruneScan).Int()
	if err != nil {
		return 0, fmt.Errorf("redis: prune sessions of %s: %w", tenant, err)
	}
	return n, nil
}

// PruneGrants reads the grants created before cutoff, picks those that
// ended before it, and deletes them with a script that spares the
// active grant.
func (s *Store) PruneGrants(ctx context.Context, tenant string, cutoff time.Time, limit int) (int, error) {
	if err := errors.Join(checkTenant(tenant), store.CheckPrune(tenant, limit)); err != nil {
		return 0, fmt.Errorf("redis: prune grants: %w", err)
	}
	k := keysOf(tenant)
	ids, err := s.c.ZRangeByScore(ctx, k.grants(), &redis.ZRangeBy{
		Min: "-inf", Max: "(" + strconv.FormatInt(cutoff.UnixMicro(), 10), Count: int64(limit * pruneScan),
	}).Result()
	if err != nil || len(ids) == 0 {
		return 0, wrapPrune(tenant, err)
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = k.grant(id)
	}
	docs, err := s.c.MGet(ctx, keys...).Result()
	if err != nil {
		return 0, wrapPrune(tenant, err)
	}
	args := []any{k.grantPrefix()}
	for i, d := range docs {
		raw, _ := d.(string)
		var g store.Grant
		if raw == "" || json.Unmarshal([]byte(raw), &g) != nil || g.EndedAt == nil || !g.EndedAt.Before(cutoff) {
			continue
		}
		if args = append(args, ids[i]); len(args) > limit {
			break
		}
	}
	if len(args) == 1 {
		return 0, nil
	}
	n, err := grantPruneScript.Run(ctx, s.c, []string{k.grants(), k.active()}, args...).Int()
	return n, wrapPrune(tenant, err)
}

func wrapPrune(tenant string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("redis: prune grants of %s: %w", tenant, err)
}
