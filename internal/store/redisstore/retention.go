package redisstore

import (
	"context"
	"crypto/sha1"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Retention keys, beside the tenant's audit keys:
//
//	lockbox:{t}:audit:anchor  string  head JSON of the last event moved out
//	lockbox:{t}:audit:lease   string  '<fence> <until µs> <holder>' of the mover
func (k tenantKeys) auditAnchor() string { return k.base + "audit:anchor" }
func (k tenantKeys) auditLease() string  { return k.base + "audit:lease" }

// Retention scripts; see the files for their keys and arguments.
var (
	//go:embed lua/retention_lease.lua
	retentionLeaseSrc    string
	retentionLeaseScript = redis.NewScript(retentionLeaseSrc)

	//go:embed lua/retention_trim.lua
	retentionTrimSrc    string
	retentionTrimScript = redis.NewScript(retentionTrimSrc)
)

var _ store.Retention = (*Store)(nil)

// LeaseRetention takes or renews the tenant's retention lease in one
// script call, so two movers never both hold it.
func (s *Store) LeaseRetention(ctx context.Context, tenant, holder string, now time.Time, ttl time.Duration) (store.RetentionLease, error) {
	if err := errors.Join(checkTenant(tenant), store.CheckLeaseArgs(tenant, holder, ttl)); err != nil {
		return store.RetentionLease{}, fmt.Errorf("redis: retention lease: %w", err)
	}
	until := now.Add(ttl).UTC().Truncate(time.Microsecond)
	res, err := retentionLeaseScript.Run(ctx, s.c, []string{keysOf(tenant).auditLease()},
		holder, now.UnixMicro(), until.UnixMicro()).StringSlice()
	switch {
	case err != nil:
		return store.RetentionLease{}, fmt.Errorf("redis: retention lease of %s: %w", tenant, err)
	case len(res) == 2 && res[0] == "held":
		return store.RetentionLease{}, fmt.Errorf("redis: retention lease of %s: %w", tenant, store.ErrRetentionHeld)
	case len(res) != 2 || res[0] != "ok":
		return store.RetentionLease{}, fmt.Errorf("redis: retention lease of %s: unexpected reply %q", tenant, res)
	}
	fence, err := strconv.ParseInt(res[1], 10, 64)
	if err != nil {
		return store.RetentionLease{}, fmt.Errorf("redis: retention lease of %s: bad fence %q", tenant, res[1])
	}
	return store.RetentionLease{Tenant: tenant, Holder: holder, Fence: fence, Until: until}, nil
}

// AuditAnchor returns the last event moved out of the tenant's chain.
func (s *Store) AuditAnchor(ctx context.Context, tenant string) (store.Head, error) {
	if err := checkTenant(tenant); err != nil {
		return store.Head{}, fmt.Errorf("redis: audit anchor: %w", err)
	}
	raw, err := s.c.Get(ctx, keysOf(tenant).auditAnchor()).Bytes()
	switch {
	case errors.Is(err, redis.Nil):
		return store.Head{}, nil
	case err != nil:
		return store.Head{}, fmt.Errorf("redis: audit anchor of %s: %w", tenant, err)
	}
	var h store.Head
	if err := json.Unmarshal(raw, &h); err != nil {
		return store.Head{}, fmt.Errorf("redis: audit anchor of %s: %w", tenant, err)
	}
	return h, nil
}

// TrimEvents removes events up to to and moves the anchor in one script
// call, which checks the lease, the anchor and to's hash first.
func (s *Store) TrimEvents(ctx context.Context, l store.RetentionLease, now time.Time, to store.Head) error {
	if err := checkTenant(l.Tenant); err != nil {
		return fmt.Errorf("redis: trim events: %w", err)
	}
	if to.Seq <= 0 || to.Hash == "" {
		return fmt.Errorf("redis: trim events of %s: %w: seq %d", l.Tenant, store.ErrTrimMismatch, to.Seq)
	}
	to.Time = to.Time.UTC()
	anchor, err := json.Marshal(to)
	if err != nil {
		return fmt.Errorf("redis: trim events of %s: %w", l.Tenant, err)
	}
	k := keysOf(l.Tenant)
	bucketSum, err := s.trimBucketSum(ctx, k, to)
	if err != nil {
		return fmt.Errorf("redis: trim events of %s: %w", l.Tenant, err)
	}
	res, err := retentionTrimScript.Run(ctx, s.c,
		[]string{k.audit(), k.auditTime(), k.auditAnchor(), k.auditLease()},
		strconv.FormatInt(l.Fence, 10), l.Holder, now.UnixMicro(), to.Seq, to.Hash, anchor, store.MaxTrim,
		bucketSize, bucketSum,
	).Text()
	switch {
	case err != nil:
		return fmt.Errorf("redis: trim events of %s: %w", l.Tenant, err)
	case res == "lost":
		return fmt.Errorf("redis: trim events of %s: %w", l.Tenant, store.ErrRetentionLost)
	case res == "mismatch":
		return fmt.Errorf("redis: trim events of %s to seq %d: %w", l.Tenant, to.Seq, store.ErrTrimMismatch)
	case res == "toolarge":
		return fmt.Errorf("redis: trim events of %s: more than %d at once", l.Tenant, store.MaxTrim)
	case res != "ok":
		return fmt.Errorf("redis: trim events of %s: unexpected reply %q", l.Tenant, res)
	}
	return nil
}

// trimBucketSum returns, when the event to trim to is stored in its
// bucket, the hex SHA-1 of that bucket once it is checked to hold the
// event with to's hash: the trim script, which cannot inflate a bucket,
// checks the bucket is still that one. It is "" when the event is stored
// alone (the script checks its hash itself) or missing.
func (s *Store) trimBucketSum(ctx context.Context, k tenantKeys, to store.Head) (string, error) {
	vals, err := s.c.HMGet(ctx, k.audit(), strconv.FormatInt(to.Seq, 10), bucketField(bucketOf(to.Seq))).Result()
	if err != nil {
		return "", err
	}
	blob, ok := vals[1].(string)
	if _, alone := vals[0].(string); alone || !ok {
		return "", nil
	}
	evs, err := bucketEvents(blob)
	if err != nil {
		return "", err
	}
	var e struct {
		Hash string `json:"hash"`
	}
	if raw, ok := evs[to.Seq]; !ok || json.Unmarshal(raw, &e) != nil || e.Hash != to.Hash {
		return "", fmt.Errorf("%w: seq %d", store.ErrTrimMismatch, to.Seq)
	}
	sum := sha1.Sum([]byte(blob))
	return hex.EncodeToString(sum[:]), nil
}
