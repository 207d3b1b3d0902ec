package boltstore

import (
	"context"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Publish hands c to every Watch of this Store. The file is held by one
// process, so there is nobody else to tell.
func (s *Store) Publish(ctx context.Context, c store.Change) error {
	if c.Kind == "" {
		return errors.New("publish: change kind is required")
	}
	if err := s.ready(ctx); err != nil {
		return fmt.Errorf("publish %s change: %w", c.Kind, err)
	}
	s.hub.publish(c)
	return nil
}

// updateAndPublish runs a write and, once it has committed, publishes c.
// changeMu makes the notifications of all writes follow commit order.
func (s *Store) updateAndPublish(ctx context.Context, c store.Change, fn func(*bolt.Tx) error) error {
	s.changeMu.Lock()
	defer s.changeMu.Unlock()
	if err := s.update(ctx, fn); err != nil {
		return err
	}
	s.hub.publish(c)
	return nil
}
