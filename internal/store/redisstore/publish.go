package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Publish sends c on the change channel, to every Watch of every client.
func (s *Store) Publish(ctx context.Context, c store.Change) error {
	if c.Kind == "" {
		return errors.New("redis: publish: change kind is required")
	}
	if err := s.c.Publish(ctx, changesChannel, encodeChange(c)).Err(); err != nil {
		return fmt.Errorf("redis: publish %s change: %w", c.Kind, err)
	}
	return nil
}

// encodeChange is the feed message for c.
func encodeChange(c store.Change) string {
	b, _ := json.Marshal(c) // strings only: cannot fail
	return string(b)
}
