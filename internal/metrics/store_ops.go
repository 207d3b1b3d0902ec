package metrics

import (
	"context"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// The store.Store methods below only time the call; AppendEvents and
// Watch, which do more, are in store.go.

// PutGrant implements store.Store.
func (s *Store) PutGrant(ctx context.Context, g store.Grant) (*store.Grant, error) {
	start := time.Now()
	r, err := s.Store.PutGrant(ctx, g)
	s.done("PutGrant", start, err)
	return r, err
}

// ActiveGrant implements store.Store.
func (s *Store) ActiveGrant(ctx context.Context, tenant string) (store.Grant, error) {
	start := time.Now()
	g, err := s.Store.ActiveGrant(ctx, tenant)
	s.done("ActiveGrant", start, err)
	return g, err
}

// EndGrant implements store.Store.
func (s *Store) EndGrant(ctx context.Context, tenant, id string, end store.Ending) (store.Grant, error) {
	start := time.Now()
	g, err := s.Store.EndGrant(ctx, tenant, id, end)
	s.done("EndGrant", start, err)
	return g, err
}

// ExtendGrant implements store.Store.
func (s *Store) ExtendGrant(ctx context.Context, tenant, id string, ext store.Extension) (store.Grant, error) {
	start := time.Now()
	g, err := s.Store.ExtendGrant(ctx, tenant, id, ext)
	s.done("ExtendGrant", start, err)
	return g, err
}

// GetGrant implements store.Store.
func (s *Store) GetGrant(ctx context.Context, tenant, id string) (store.Grant, error) {
	start := time.Now()
	g, err := s.Store.GetGrant(ctx, tenant, id)
	s.done("GetGrant", start, err)
	return g, err
}

// GrantHistory implements store.Store.
func (s *Store) GrantHistory(ctx context.Context, tenant string, p store.Page) ([]store.Grant, string, error) {
	start := time.Now()
	gs, next, err := s.Store.GrantHistory(ctx, tenant, p)
	s.done("GrantHistory", start, err)
	return gs, next, err
}

// Tenants implements store.Store.
func (s *Store) Tenants(ctx context.Context) ([]string, error) {
	start := time.Now()
	ts, err := s.Store.Tenants(ctx)
	s.done("Tenants", start, err)
	return ts, err
}

// Events implements store.Store.
func (s *Store) Events(ctx context.Context, tenant string, q store.EventQuery) ([]store.Event, error) {
	start := time.Now()
	es, err := s.Store.Events(ctx, tenant, q)
	s.done("Events", start, err)
	return es, err
}

// AuditHead implements store.Store.
func (s *Store) AuditHead(ctx context.Context, tenant string) (store.Head, error) {
	start := time.Now()
	h, err := s.Store.AuditHead(ctx, tenant)
	s.done("AuditHead", start, err)
	return h, err
}

// PutSession implements store.Store.
func (s *Store) PutSession(ctx context.Context, sess store.Session) error {
	start := time.Now()
	err := s.Store.PutSession(ctx, sess)
	s.done("PutSession", start, err)
	return err
}

// GetSession implements store.Store.
func (s *Store) GetSession(ctx context.Context, tenant, id string) (store.Session, error) {
	start := time.Now()
	sess, err := s.Store.GetSession(ctx, tenant, id)
	s.done("GetSession", start, err)
	return sess, err
}

// EndSession implements store.Store.
func (s *Store) EndSession(ctx context.Context, tenant, id string, at time.Time, reason string) (store.Session, error) {
	start := time.Now()
	sess, err := s.Store.EndSession(ctx, tenant, id, at, reason)
	s.done("EndSession", start, err)
	return sess, err
}

// TouchSessions implements store.Store.
func (s *Store) TouchSessions(ctx context.Context, touches ...store.Touch) error {
	start := time.Now()
	err := s.Store.TouchSessions(ctx, touches...)
	s.done("TouchSessions", start, err)
	return err
}

// Sessions implements store.Store.
func (s *Store) Sessions(ctx context.Context, tenant string, p store.Page) ([]store.Session, string, error) {
	start := time.Now()
	ss, next, err := s.Store.Sessions(ctx, tenant, p)
	s.done("Sessions", start, err)
	return ss, next, err
}

// PutRecord implements store.Store.
func (s *Store) PutRecord(ctx context.Context, kind, id string, value []byte, ttl time.Duration) error {
	start := time.Now()
	err := s.Store.PutRecord(ctx, kind, id, value, ttl)
	s.done("PutRecord", start, err)
	return err
}

// CreateRecord implements store.Store.
func (s *Store) CreateRecord(ctx context.Context, kind, id string, value []byte, ttl time.Duration) (bool, error) {
	start := time.Now()
	ok, err := s.Store.CreateRecord(ctx, kind, id, value, ttl)
	s.done("CreateRecord", start, err)
	return ok, err
}

// SwapRecord implements store.Store.
func (s *Store) SwapRecord(ctx context.Context, kind, id string, old, value []byte, ttl time.Duration) (bool, error) {
	start := time.Now()
	ok, err := s.Store.SwapRecord(ctx, kind, id, old, value, ttl)
	s.done("SwapRecord", start, err)
	return ok, err
}

// GetRecord implements store.Store.
func (s *Store) GetRecord(ctx context.Context, kind, id string) ([]byte, error) {
	start := time.Now()
	v, err := s.Store.GetRecord(ctx, kind, id)
	s.done("GetRecord", start, err)
	return v, err
}

// TakeRecord implements store.Store.
func (s *Store) TakeRecord(ctx context.Context, kind, id string) ([]byte, error) {
	start := time.Now()
	v, err := s.Store.TakeRecord(ctx, kind, id)
	s.done("TakeRecord", start, err)
	return v, err
}

// DeleteRecord implements store.Store.
func (s *Store) DeleteRecord(ctx context.Context, kind, id string) error {
	start := time.Now()
	err := s.Store.DeleteRecord(ctx, kind, id)
	s.done("DeleteRecord", start, err)
	return err
}

// Publish implements store.Store.
func (s *Store) Publish(ctx context.Context, c store.Change) error {
	start := time.Now()
	err := s.Store.Publish(ctx, c)
	s.done("Publish", start, err)
	return err
}

// EnqueueNotifications implements store.Outbox.
func (s *Store) EnqueueNotifications(ctx context.Context, ns ...store.Notification) error {
	start := time.Now()
	err := s.Store.EnqueueNotifications(ctx, ns...)
	s.done("EnqueueNotifications", start, err)
	return err
}

// ClaimNotifications implements store.Outbox.
func (s *Store) ClaimNotifications(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Notification, error) {
	start := time.Now()
	ns, err := s.Store.ClaimNotifications(ctx, now, lease, limit)
	s.done("ClaimNotifications", start, err)
	return ns, err
}

// CompleteNotification implements store.Outbox.
func (s *Store) CompleteNotification(ctx context.Context, l store.Lease, at time.Time) error {
	start := time.Now()
	err := s.Store.CompleteNotification(ctx, l, at)
	s.done("CompleteNotification", start, err)
	return err
}

// RetryNotification implements store.Outbox.
func (s *Store) RetryNotification(ctx context.Context, l store.Lease, nextAt time.Time, lastError string) error {
	start := time.Now()
	err := s.Store.RetryNotification(ctx, l, nextAt, lastError)
	s.done("RetryNotification", start, err)
	return err
}

// FailNotification implements store.Outbox.
func (s *Store) FailNotification(ctx context.Context, l store.Lease, at time.Time, lastError string) error {
	start := time.Now()
	err := s.Store.FailNotification(ctx, l, at, lastError)
	s.done("FailNotification", start, err)
	return err
}

// GetNotification implements store.Outbox.
func (s *Store) GetNotification(ctx context.Context, id string) (store.Notification, error) {
	start := time.Now()
	n, err := s.Store.GetNotification(ctx, id)
	s.done("GetNotification", start, err)
	return n, err
}

// Notifications implements store.Outbox.
func (s *Store) Notifications(ctx context.Context, state string, p store.Page) ([]store.Notification, string, error) {
	start := time.Now()
	ns, next, err := s.Store.Notifications(ctx, state, p)
	s.done("Notifications", start, err)
	return ns, next, err
}

var _ store.Store = (*Store)(nil)
