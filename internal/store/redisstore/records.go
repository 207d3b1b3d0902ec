package redisstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// PutRecord stores value under kind and id, expiring after ttl (0: never).
func (s *Store) PutRecord(ctx context.Context, kind, id string, value []byte, ttl time.Duration) error {
	if err := store.CheckRecordWrite(kind, id, ttl); err != nil {
		return fmt.Errorf("redis: put record: %w", err)
	}
	if err := s.c.Set(ctx, recordKey(kind, id), encodeRecord(value), ttl).Err(); err != nil {
		return fmt.Errorf("redis: put record %s/%s: %w", kind, id, err)
	}
	return nil
}

// CreateRecord stores value only if no live record exists (SET NX). If
// the reply is lost and go-redis retries, the retry reports false for a
// write that happened; the record's TTL still ends it.
func (s *Store) CreateRecord(ctx context.Context, kind, id string, value []byte, ttl time.Duration) (bool, error) {
	if err := store.CheckRecordWrite(kind, id, ttl); err != nil {
		return false, fmt.Errorf("redis: create record: %w", err)
	}
	ok, err := s.c.SetNX(ctx, recordKey(kind, id), encodeRecord(value), ttl).Result()
	if err != nil {
		return false, fmt.Errorf("redis: create record %s/%s: %w", kind, id, err)
	}
	return ok, nil
}

// SwapRecord replaces the record only if it still holds old.
func (s *Store) SwapRecord(ctx context.Context, kind, id string, old, value []byte, ttl time.Duration) (bool, error) {
	if err := store.CheckRecordWrite(kind, id, ttl); err != nil {
		return false, fmt.Errorf("redis: swap record: %w", err)
	}
	key, expected, next := recordKey(kind, id), encodeRecord(old), encodeRecord(value)
	n, err := recordSwapScript.Run(ctx, s.c, []string{key}, expected, next, ttlMillis(ttl)).Int()
	if err == nil && n == 0 {
		// The record may hold old in another form (written before
		// records were compressed): swap against that form.
		var cur []byte
		if cur, err = s.c.Get(ctx, key).Bytes(); errors.Is(err, redis.Nil) {
			return false, nil
		}
		if dec, derr := decodeRecord(cur); err == nil && derr == nil && bytes.Equal(dec, old) && !bytes.Equal(cur, expected) {
			n, err = recordSwapScript.Run(ctx, s.c, []string{key}, cur, next, ttlMillis(ttl)).Int()
		}
	}
	if err != nil {
		return false, fmt.Errorf("redis: swap record %s/%s: %w", kind, id, err)
	}
	return n == 1, nil
}

// GetRecord returns a live record; Redis drops expired ones itself.
func (s *Store) GetRecord(ctx context.Context, kind, id string) ([]byte, error) {
	if err := store.CheckRecord(kind, id); err != nil {
		return nil, fmt.Errorf("redis: get record: %w", err)
	}
	v, err := recordValue(s.c.Get(ctx, recordKey(kind, id)))
	if err != nil {
		return nil, fmt.Errorf("redis: get record %s/%s: %w", kind, id, err)
	}
	return v, nil
}

// TakeRecord returns a live record and deletes it with one GETDEL, so of
// several clients only one gets it. If the reply is lost the record is
// gone unread, which fails closed for single-use values.
func (s *Store) TakeRecord(ctx context.Context, kind, id string) ([]byte, error) {
	if err := store.CheckRecord(kind, id); err != nil {
		return nil, fmt.Errorf("redis: take record: %w", err)
	}
	v, err := recordValue(s.c.GetDel(ctx, recordKey(kind, id)))
	if err != nil {
		return nil, fmt.Errorf("redis: take record %s/%s: %w", kind, id, err)
	}
	return v, nil
}

// DeleteRecord deletes a record; a missing one is no error.
func (s *Store) DeleteRecord(ctx context.Context, kind, id string) error {
	if err := store.CheckRecord(kind, id); err != nil {
		return fmt.Errorf("redis: delete record: %w", err)
	}
	if err := s.c.Del(ctx, recordKey(kind, id)).Err(); err != nil {
		return fmt.Errorf("redis: delete record %s/%s: %w", kind, id, err)
	}
	return nil
}

// recordValue is the value a GET-like command read; store.ErrNotFound if
// there was none.
func recordValue(cmd *redis.StringCmd) ([]byte, error) {
	v, err := cmd.Bytes()
	switch {
	case errors.Is(err, redis.Nil):
		return nil, store.ErrNotFound
	case err != nil:
		return nil, err
	}
	return decodeRecord(v)
}

// ttlMillis is ttl in whole milliseconds, rounded up so a short TTL does
// not become "none": 0 only for 0.
func ttlMillis(ttl time.Duration) int64 {
	return int64((ttl + time.Millisecond - 1) / time.Millisecond)
}
