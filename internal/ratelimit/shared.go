package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// sharedTimeout bounds one call to the shared budget; past it, or when
// Redis fails, the process's own budget decides.
const sharedTimeout = 300 * time.Millisecond

// Shared keeps budgets in Redis (GCRA, go-redis/redis_rate), so every
// gateway on one store spends from the same budget and a client cannot
// multiply its allowance by spreading over them. Its keys are
// rate:lockbox:<limit>:<hash of the key>, expiring once full again.
type Shared struct {
	lim *redis_rate.Limiter
}

// NewShared returns budgets kept through c.
func NewShared(c redis.UniversalClient) *Shared {
	return &Shared{lim: redis_rate.NewLimiter(c)}
}

// take spends one event of key's budget under the limit named name.
func (s *Shared) take(ctx context.Context, name, key string, r Rate) (bool, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, sharedTimeout)
	defer cancel()
	res, err := s.lim.Allow(ctx, sharedKey(name, key), limitOf(r))
	if err != nil {
		return false, 0, err
	}
	if res.Allowed > 0 {
		return true, 0, nil
	}
	return false, res.RetryAfter, nil
}

// wait returns how long until key may spend an event, spending nothing.
func (s *Shared) wait(ctx context.Context, name, key string, r Rate) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, sharedTimeout)
	defer cancel()
	// Spending nothing always passes; what is left shows in ResetAfter,
	// the time until the budget is full: one event is free once it is
	// within Events-1 intervals of that.
	res, err := s.lim.AllowN(ctx, sharedKey(name, key), limitOf(r), 0)
	if err != nil {
		return 0, err
	}
	interval := r.Per / time.Duration(r.Events)
	return max(0, res.ResetAfter-time.Duration(r.Events-1)*interval), nil
}

func limitOf(r Rate) redis_rate.Limit {
	return redis_rate.Limit{Rate: r.Events, Burst: r.Events, Period: r.Per}
}

// sharedKey names a budget without the client's address or the agent's
// identity in the clear, and in a bounded length.
func sharedKey(name, key string) string {
	sum := sha256.Sum256([]byte(key))
	return "lockbox:" + name + ":" + hex.EncodeToString(sum[:16])
}
