package metrics

import (
	"context"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// auditStore times the audit writer's appends.
type auditStore struct {
	store.Store
	m *Metrics
}

// AuditStore returns s with every AppendEvents timed as an audit write;
// give it to the audit writer. With a nil m it returns s.
func (m *Metrics) AuditStore(s store.Store) store.Store {
	if m == nil {
		return s
	}
	return auditStore{Store: s, m: m}
}

// AppendEvents implements store.Store.
func (a auditStore) AppendEvents(ctx context.Context, tenant string, events ...store.Event) ([]store.Event, error) {
	start := time.Now()
	out, err := a.Store.AppendEvents(ctx, tenant, events...)
	a.m.auditWrites.Observe(time.Since(start).Seconds())
	return out, err
}
