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
	// ExtendGrant moves the expiry of grant id, which must be the tenant's
	// active, expiring grant, to ext.To and records ext (see
	// Grant.Extend). ErrEnded if the grant is no longer active,
	// ErrNotFound if there is no such grant.
	ExtendGrant(ctx context.Context, tenant, id string, ext Extension) (Grant, error)
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

	// PutSession stores a new impersonation session; an id already in use
	// is an error.
	PutSession(ctx context.Context, s Session) error
	// GetSession returns a session of the tenant, ended or not.
	GetSession(ctx context.Context, tenant, id string) (Session, error)
	// EndSession ends the session if it has not ended yet and returns it;
	// ErrEnded if it had (only one racing caller wins), ErrNotFound if none.
	EndSession(ctx context.Context, tenant, id string, at time.Time, reason string) (Session, error)
	// TouchSessions records activity: each session keeps the later LastSeen
	// and adds Requests. Unknown sessions are skipped.
	TouchSessions(ctx context.Context, touches ...Touch) error
	// Sessions lists the tenant's sessions, newest first, one page at a time.
	Sessions(ctx context.Context, tenant string, p Page) ([]Session, string, error)

	// PutRecord stores a short-lived record (login state, browser session,
	// signing keys) under kind (1-64 bytes, no '{', '}' or ':') and id
	// (1-512 bytes); ttl 0 keeps it until deleted, a negative ttl is an error.
	PutRecord(ctx context.Context, kind, id string, value []byte, ttl time.Duration) error
	// CreateRecord is PutRecord only if no live record exists; it reports
	// whether it wrote.
	CreateRecord(ctx context.Context, kind, id string, value []byte, ttl time.Duration) (bool, error)
	// SwapRecord replaces the record only if it still holds old; it reports
	// whether it wrote.
	SwapRecord(ctx context.Context, kind, id string, old, value []byte, ttl time.Duration) (bool, error)
	// GetRecord returns a live record; ErrNotFound if none or expired.
	GetRecord(ctx context.Context, kind, id string) ([]byte, error)
	// TakeRecord returns a live record and deletes it in one step, so a
	// single-use value (an OAuth state) is used once across all instances.
	TakeRecord(ctx context.Context, kind, id string) ([]byte, error)
	// DeleteRecord deletes a record; deleting a missing one is no error.
	DeleteRecord(ctx context.Context, kind, id string) error

	// Publish sends a change to every Watch of the backend. Grant and
	// session changes are published by the store itself.
	Publish(ctx context.Context, c Change) error
	// Watch calls fn for every change made through any client of the backend
	// until ctx ends. It returns once the subscription is live, so a change
	// made after Watch returns is delivered.
	Watch(ctx context.Context, fn func(Change)) error

	// Outbox keeps notifications until they are sent.
	Outbox

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
	// ChangeSession: an impersonation session ended.
	ChangeSession ChangeKind = "session"
	// ChangeKeys: the signing keys changed.
	ChangeKeys ChangeKind = "keys"
	// ChangeAgent: an agent's browser session ended (ID is its record id).
	ChangeAgent ChangeKind = "agent"
	// ChangeHeartbeat: published by each instance so it can tell its feed
	// is alive.
	ChangeHeartbeat ChangeKind = "heartbeat"
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
