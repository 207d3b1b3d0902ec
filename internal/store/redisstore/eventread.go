package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Events reads a contiguous run of the chain starting after q.AfterSeq, or
// at the first event at or after q.Since if that is later, and stops at
// q.Until. A missing event is skipped, not a reason to stop, so
// store.Verify sees the gap.
func (s *Store) Events(ctx context.Context, tenant string, q store.EventQuery) ([]store.Event, error) {
	if err := checkTenant(tenant); err != nil {
		return nil, fmt.Errorf("redis: events: %w", err)
	}
	k := keysOf(tenant)
	first := max(q.AfterSeq, 0) + 1
	if !q.Since.IsZero() {
		at, err := s.firstSince(ctx, k, q.Since)
		if err != nil {
			return nil, fmt.Errorf("redis: events of %s: %w", tenant, err)
		}
		first = max(first, at)
	}
	raws, err := s.readRun(ctx, k, first, q.Size())
	if err != nil {
		return nil, fmt.Errorf("redis: events of %s: %w", tenant, err)
	}
	out := make([]store.Event, 0, len(raws))
	for _, raw := range raws {
		var e store.Event
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, fmt.Errorf("redis: events of %s: decode event: %w", tenant, err)
		}
		if !q.Until.IsZero() && e.Time.After(q.Until) {
			break
		}
		out = append(out, e)
	}
	return out, nil
}

// readRun returns the stored JSON of up to n events from seq first on,
// from their own fields or their bucket's, skipping any that are missing.
func (s *Store) readRun(ctx context.Context, k tenantKeys, first int64, n int) ([][]byte, error) {
	res, err := eventsScript.Run(ctx, s.c, []string{k.audit(), k.auditHead(), k.auditAnchor()}, first, n, bucketSize).Slice()
	if err != nil {
		return nil, err
	}
	if len(res) != 3 {
		return nil, fmt.Errorf("unexpected events reply of %d parts", len(res))
	}
	from, ok1 := res[0].(int64)
	rows, ok2 := res[1].([]any)
	buckets, ok3 := res[2].([]any)
	if !ok1 || !ok2 || !ok3 || len(buckets)%2 != 0 {
		return nil, errors.New("unexpected events reply")
	}
	inBuckets := map[int64][]byte{}
	for i := 0; i < len(buckets); i += 2 {
		blob, ok := buckets[i+1].(string)
		if !ok {
			return nil, errors.New("unexpected events reply")
		}
		evs, err := bucketEvents(blob)
		if err != nil {
			return nil, fmt.Errorf("bucket %v: %w", buckets[i], err)
		}
		for seq, raw := range evs {
			inBuckets[seq] = raw
		}
	}
	out := make([][]byte, 0, len(rows))
	for i, row := range rows {
		if raw, ok := row.(string); ok {
			out = append(out, []byte(raw))
		} else if raw, ok := inBuckets[from+int64(i)]; ok {
			out = append(out, raw)
		}
	}
	return out, nil
}

// firstSince returns the seq of the first kept event at or after since,
// or one past the head if there is none. Seq order is time order, so it
// searches by seq; the store keeps no index by time.
func (s *Store) firstSince(ctx context.Context, k tenantKeys, since time.Time) (int64, error) {
	head, err := s.readHead(ctx, k)
	if err != nil {
		return 0, err
	}
	lo, hi := int64(1), head.head.Seq+1
	raw, err := s.c.Get(ctx, k.auditAnchor()).Bytes()
	switch {
	case err == nil:
		var a store.Head
		if err := json.Unmarshal(raw, &a); err != nil {
			return 0, fmt.Errorf("decode audit anchor: %w", err)
		}
		lo = a.Seq + 1
	case !errors.Is(err, redis.Nil):
		return 0, err
	}
	for lo < hi {
		mid := lo + (hi-lo)/2
		raws, err := s.readRun(ctx, k, mid, 1)
		if err != nil {
			return 0, err
		}
		var e store.Event
		if len(raws) == 1 {
			if err := json.Unmarshal(raws[0], &e); err != nil {
				return 0, fmt.Errorf("decode event: %w", err)
			}
		}
		// A missing event (a damaged store) counts as before since.
		if len(raws) == 1 && !e.Time.Before(since) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo, nil
}
