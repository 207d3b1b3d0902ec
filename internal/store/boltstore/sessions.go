package boltstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// PutSession stores a new impersonation session. A session id can be put
// only once per tenant.
func (s *Store) PutSession(ctx context.Context, sess store.Session) error {
	if sess.Tenant == "" || sess.ID == "" {
		return errors.New("put session: tenant and id are required")
	}
	sess.LastSeen = normalTime(sess.LastSeen)
	if sess.EndedAt != nil {
		ended := normalTime(*sess.EndedAt)
		sess.EndedAt = &ended
	}
	err := s.update(ctx, func(tx *bolt.Tx) error { return putSession(tx, sess) })
	if err != nil {
		return fmt.Errorf("put session %s of tenant %s: %w", sess.ID, sess.Tenant, err)
	}
	return nil
}

func putSession(tx *bolt.Tx, sess store.Session) error {
	tb, err := createTenant(tx, sess.Tenant)
	if err != nil {
		return err
	}
	sessions, err := tb.CreateBucketIfNotExists(bucketSessions)
	if err != nil {
		return err
	}
	order, err := tb.CreateBucketIfNotExists(bucketSessionOrder)
	if err != nil {
		return err
	}
	// Overwriting would reset the activity and end of a session the audit
	// trail refers to.
	if sessions.Get([]byte(sess.ID)) != nil {
		return errors.New("session id already exists")
	}
	if err := putJSON(sessions, []byte(sess.ID), sess); err != nil {
		return err
	}
	return order.Put(orderKey(sess.StartedAt, sess.ID), []byte(sess.ID))
}

// GetSession returns one of the tenant's sessions, ended or not.
func (s *Store) GetSession(ctx context.Context, tenant, id string) (store.Session, error) {
	var sess store.Session
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return getJSON(child(tenantBucket(tx, tenant), bucketSessions), []byte(id), &sess)
	})
	if err != nil {
		return store.Session{}, fmt.Errorf("session %s of tenant %s: %w", id, tenant, err)
	}
	return sess, nil
}

// EndSession ends the session if it has not ended yet and, once that has
// committed, tells watchers.
func (s *Store) EndSession(ctx context.Context, tenant, id string, at time.Time, reason string) (store.Session, error) {
	var sess store.Session
	c := store.Change{Kind: store.ChangeSession, Tenant: tenant, ID: id}
	err := s.updateAndPublish(ctx, c, func(tx *bolt.Tx) error {
		sessions := child(tenantBucket(tx, tenant), bucketSessions)
		if err := getJSON(sessions, []byte(id), &sess); err != nil {
			return err
		}
		if sess.Ended() {
			return store.ErrEnded
		}
		ended := normalTime(at)
		sess.EndedAt, sess.EndReason = &ended, reason
		return putJSON(sessions, []byte(id), sess)
	})
	if err != nil {
		return store.Session{}, fmt.Errorf("end session %s of tenant %s: %w", id, tenant, err)
	}
	return sess, nil
}

// TouchSessions adds the activity of every touch in one transaction,
// skipping sessions that do not exist.
func (s *Store) TouchSessions(ctx context.Context, touches ...store.Touch) error {
	if len(touches) == 0 {
		return nil
	}
	err := s.update(ctx, func(tx *bolt.Tx) error {
		for _, t := range touches {
			if err := touchSession(tx, t); err != nil {
				return fmt.Errorf("session %s of tenant %s: %w", t.ID, t.Tenant, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("touch sessions: %w", err)
	}
	return nil
}

func touchSession(tx *bolt.Tx, t store.Touch) error {
	sessions := child(tenantBucket(tx, t.Tenant), bucketSessions)
	var sess store.Session
	err := getJSON(sessions, []byte(t.ID), &sess)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	sess.Requests += t.Requests
	sess.Refused += t.Refused
	if seen := normalTime(t.LastSeen); seen.After(sess.LastSeen) {
		sess.LastSeen = seen
	}
	return putJSON(sessions, []byte(t.ID), sess)
}

// Sessions lists the tenant's sessions newest first.
func (s *Store) Sessions(ctx context.Context, tenant string, p store.Page) ([]store.Session, string, error) {
	return newestFirst[store.Session](ctx, s, "sessions", tenant, bucketSessions, bucketSessionOrder, p)
}

// normalTime is t as sessions keep it: UTC, whole microseconds, like the
// Redis backend, so both return the same instants.
func normalTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
