package gateway_test

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// counting is a store that counts its round trips: every call except the
// change feed's Publish and Watch (heartbeats run all the time).
type counting struct {
	store.Store
	n atomic.Int64
}

func (c *counting) count() int64 { return c.n.Load() }

func (c *counting) PutGrant(ctx context.Context, g store.Grant) (*store.Grant, error) {
	c.n.Add(1)
	return c.Store.PutGrant(ctx, g)
}

func (c *counting) ActiveGrant(ctx context.Context, tenant string) (store.Grant, error) {
	c.n.Add(1)
	return c.Store.ActiveGrant(ctx, tenant)
}

func (c *counting) EndGrant(ctx context.Context, tenant, id string, end store.Ending) (store.Grant, error) {
	c.n.Add(1)
	return c.Store.EndGrant(ctx, tenant, id, end)
}

func (c *counting) GetGrant(ctx context.Context, tenant, id string) (store.Grant, error) {
	c.n.Add(1)
	return c.Store.GetGrant(ctx, tenant, id)
}

func (c *counting) GrantHistory(ctx context.Context, tenant string, p store.Page) ([]store.Grant, string, error) {
	c.n.Add(1)
	return c.Store.GrantHistory(ctx, tenant, p)
}

func (c *counting) Tenants(ctx context.Context) ([]string, error) {
	c.n.Add(1)
	return c.Store.Tenants(ctx)
}

func (c *counting) AppendEvents(ctx context.Context, tenant string, events ...store.Event) ([]store.Event, error) {
	c.n.Add(1)
	return c.Store.AppendEvents(ctx, tenant, events...)
}

func (c *counting) Events(ctx context.Context, tenant string, q store.EventQuery) ([]store.Event, error) {
	c.n.Add(1)
	return c.Store.Events(ctx, tenant, q)
}

func (c *counting) AuditHead(ctx context.Context, tenant string) (store.Head, error) {
	c.n.Add(1)
	return c.Store.AuditHead(ctx, tenant)
}

func (c *counting) PutSession(ctx context.Context, s store.Session) error {
	c.n.Add(1)
	return c.Store.PutSession(ctx, s)
}

func (c *counting) GetSession(ctx context.Context, tenant, id string) (store.Session, error) {
	c.n.Add(1)
	return c.Store.GetSession(ctx, tenant, id)
}

func (c *counting) EndSession(ctx context.Context, tenant, id string, at time.Time, reason string) (store.Session, error) {
	c.n.Add(1)
	return c.Store.EndSession(ctx, tenant, id, at, reason)
}

func (c *counting) TouchSessions(ctx context.Context, touches ...store.Touch) error {
	c.n.Add(1)
	return c.Store.TouchSessions(ctx, touches...)
}

func (c *counting) Sessions(ctx context.Context, tenant string, p store.Page) ([]store.Session, string, error) {
	c.n.Add(1)
	return c.Store.Sessions(ctx, tenant, p)
}

func (c *counting) PutRecord(ctx context.Context, kind, id string, value []byte, ttl time.Duration) error {
	c.n.Add(1)
	return c.Store.PutRecord(ctx, kind, id, value, ttl)
}

func (c *counting) CreateRecord(ctx context.Context, kind, id string, value []byte, ttl time.Duration) (bool, error) {
	c.n.Add(1)
	return c.Store.CreateRecord(ctx, kind, id, value, ttl)
}

func (c *counting) SwapRecord(ctx context.Context, kind, id string, old, value []byte, ttl time.Duration) (bool, error) {
	c.n.Add(1)
	return c.Store.SwapRecord(ctx, kind, id, old, value, ttl)
}

func (c *counting) GetRecord(ctx context.Context, kind, id string) ([]byte, error) {
	c.n.Add(1)
	return c.Store.GetRecord(ctx, kind, id)
}

func (c *counting) TakeRecord(ctx context.Context, kind, id string) ([]byte, error) {
	c.n.Add(1)
	return c.Store.TakeRecord(ctx, kind, id)
}

func (c *counting) DeleteRecord(ctx context.Context, kind, id string) error {
	c.n.Add(1)
	return c.Store.DeleteRecord(ctx, kind, id)
}

// countingOptions returns options whose gateway store counts into *c.
func countingOptions(o options, c **counting) options {
	o.wrap = func(s store.Store) store.Store {
		*c = &counting{Store: s}
		return *c
	}
	return o
}
