// Package store defines everything Lockbox persists and the contract its
// backends keep. The backends (redisstore, boltstore) pass one conformance
// suite, storetest.
package store

import (
	"context"
	"errors"
	"time"
)

// Errors the backends return; callers test them with errors.Is.
var (
	// ErrNotFound means the tenant has no such record.
	ErrNotFound = errors.New("not found")
	// ErrEnded means the grant exists but is no longer the active one.
	ErrEnded = errors.New("grant already ended")
	// ErrInvalidCursor means a page cursor was not one the store handed out.
	ErrInvalidCursor = errors.New("invalid page cursor")
)

// Store is what the product persists: grants, the audit chain, and a feed
// of changes. Every method is safe for concurrent use, also by several
// processes sharing one backend (Redis), and returns an error rather than
// hanging when the backend is unreachable.
type Store interface {
	// PutGrant makes g the active grant of g.Tenant. A grant that was active
	// is ended with reason "replaced" at g.CreatedAt and returned.
	PutGrant(ctx context.Context, g Grant) (replaced *Grant, err error)
	// ActiveGrant returns the tenant's active grant as stored, whether or not
	// its expiry has passed: callers check Grant.Expired themselves, because
	// a TTL in the backend is only garbage collection. ErrNotFound if none.
	ActiveGrant(ctx context.Context, tenant string) (Grant, error)
	// EndGrant ends grant id if it is still the tenant's active grant and
	// returns it as ended. ErrEnded if it was already ended (so only one of
	// several racing callers wins), ErrNotFound if there is no such grant.
	EndGrant(ctx context.Context, tenant, id string, end Ending) (Grant, error)
	// GetGrant returns one grant of the tenant, active or ended.
	GetGrant(ctx context.Context, tenant, id string) (Grant, error)
	// GrantHistory lists the tenant's grants, newest first, one page at a
	// time. The returned cursor is empty on the last page.
	GrantHistory(ctx context.Context, tenant string, p Page) ([]Grant, string, error)
	// Tenants lists, in order, every tenant that has ever had a grant.
	Tenants(ctx context.Context) ([]string, error)

	// AppendEvents links events onto the end of the tenant's audit chain,
	// atomically with respect to every other writer, and returns them as
	// stored (Seq, Time, PrevHash and Hash filled in).
	AppendEvents(ctx context.Context, tenant string, events ...Event) ([]Event, error)
	// Events reads the tenant's audit chain in Seq order.
	Events(ctx context.Context, tenant string, q EventQuery) ([]Event, error)
	// AuditHead returns the last link of the tenant's chain (zero if empty).
	AuditHead(ctx context.Context, tenant string) (Head, error)

	// Watch calls fn for every change made through any client of the backend
	// until ctx ends. It returns once the subscription is live, so a change
	// made after Watch returns is delivered.
	Watch(ctx context.Context, fn func(Change)) error

	// Close releases the backend's resources.
	Close() error
}

// Page selects one page of a listing.
type Page struct {
	// Limit is the most rows to return; 0 means DefaultPageSize.
	Limit int
	// Cursor is the value returned with the previous page; empty for the first.
	Cursor string
}

// Page sizes shared by every backend.
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// Size returns the page size to use, bounded to [1, MaxPageSize].
func (p Page) Size() int {
	switch {
	case p.Limit <= 0:
		return DefaultPageSize
	case p.Limit > MaxPageSize:
		return MaxPageSize
	}
	return p.Limit
}

// EventQuery selects audit events. Zero fields do not filter.
type EventQuery struct {
	// AfterSeq returns only events with a larger Seq (for following a chain).
	AfterSeq int64
	// Since and Until bound the event time, inclusive.
	Since, Until time.Time
	// Limit is the most events to return; 0 means DefaultPageSize.
	Limit int
}

// Size returns the number of events to return, bounded like Page.Size.
func (q EventQuery) Size() int { return Page{Limit: q.Limit}.Size() }

// ChangeKind tells what a Change is about.
type ChangeKind string

// Kinds of Change.
const (
	// ChangeGrant: the tenant's active grant was put or ended.
	ChangeGrant ChangeKind = "grant"
	// ChangeResync: the feed may have missed changes (for instance while a
	// connection was down); drop every cached state.
	ChangeResync ChangeKind = "resync"
)

// Change is one entry of the change feed.
type Change struct {
	Kind   ChangeKind `json:"kind"`
	Tenant string     `json:"tenant,omitempty"`
	ID     string     `json:"id,omitempty"`
}
