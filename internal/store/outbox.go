package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ErrLeaseLost means a notification is no longer held by the claim that
// tries to settle it: its lease ran out and another worker claimed it, or
// it was already settled.
var ErrLeaseLost = errors.New("notification lease lost")

// States of a notification.
const (
	// NotificationPending: waiting to be sent, being sent (leased), or
	// waiting for a retry.
	NotificationPending = "pending"
	// NotificationDelivered: the receiver accepted it.
	NotificationDelivered = "delivered"
	// NotificationFailed: sending was given up; kept for operators.
	NotificationFailed = "failed"
)

// NotificationRetention is how long delivered and failed notifications
// stay listed. Within it, enqueueing an id again is a no-op, so a caller
// retrying an enqueue never causes a second delivery.
const NotificationRetention = 30 * 24 * time.Hour

// Limits on a notification's fields, the same for every backend.
const (
	maxNotificationID    = 200
	maxNotificationName  = 64 // kind and event
	maxNotificationField = 1024
)

// Notification is one message to send to one receiver, kept in the
// outbox until it is delivered or given up.
type Notification struct {
	// ID is unique per message and receiver; webhooks send it as
	// webhook-id, so receivers drop repeats.
	ID     string `json:"id"`
	Tenant string `json:"tenant,omitempty"`
	// Kind is the channel: "webhook" or "email".
	Kind string `json:"kind"`
	// Target is the receiver: a webhook endpoint name or an email address.
	Target string `json:"target"`
	// Event is the event type, e.g. "grant.created".
	Event string `json:"event"`
	// Payload is the event's data, JSON.
	Payload json.RawMessage `json:"payload,omitempty"`
	// CreatedAt is when the event happened.
	CreatedAt time.Time `json:"created_at"`

	// The fields below are kept by the store.

	State string `json:"state"`
	// Attempts counts claims: each claim is one sending attempt.
	Attempts int `json:"attempts"`
	// NextAt is when a pending notification is due; while it is leased,
	// when the lease ends. On enqueue, zero means CreatedAt.
	NextAt    time.Time  `json:"next_at"`
	LastError string     `json:"last_error,omitempty"`
	DoneAt    *time.Time `json:"done_at,omitempty"` // delivered or failed at
}

// Lease names one claim of a notification; only its holder may settle it.
type Lease struct {
	ID      string
	Attempt int
}

// Lease returns the lease of a claimed notification.
func (n Notification) Lease() Lease { return Lease{ID: n.ID, Attempt: n.Attempts} }

// Outbox keeps notifications until they are sent, so that neither a
// restart nor a failing receiver loses one. Workers on any number of
// instances claim due notifications for a lease, send them, and settle
// each: complete, retry later, or fail.
//
// The three settle methods return ErrNotFound if there is no such
// notification and ErrLeaseLost if the lease no longer holds it; repeating
// a settle that succeeded (a client retrying after a lost reply) succeeds.
// Settling also drops notifications settled more than
// NotificationRetention before its time.
type Outbox interface {
	// EnqueueNotifications adds notifications, pending, all or none. An id
	// already in the outbox is left as it is.
	EnqueueNotifications(ctx context.Context, ns ...Notification) error
	// ClaimNotifications leases up to limit pending notifications due at
	// now, earliest due first, until now+lease; each claim adds one to
	// Attempts. No other claim gets them until the lease ends.
	ClaimNotifications(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Notification, error)
	// CompleteNotification marks a claimed notification delivered at at.
	CompleteNotification(ctx context.Context, l Lease, at time.Time) error
	// RetryNotification makes a claimed notification due again at nextAt.
	RetryNotification(ctx context.Context, l Lease, nextAt time.Time, lastError string) error
	// FailNotification gives a claimed notification up at at.
	FailNotification(ctx context.Context, l Lease, at time.Time, lastError string) error
	// GetNotification returns one notification; ErrNotFound if none.
	GetNotification(ctx context.Context, id string) (Notification, error)
	// Notifications lists the notifications in one state, newest first:
	// pending by creation, delivered and failed by when they were settled.
	Notifications(ctx context.Context, state string, p Page) ([]Notification, string, error)
}

// CheckNotification reports what makes n unfit to enqueue, for backends
// to call before writing anything.
func CheckNotification(n Notification) error {
	switch {
	case n.ID == "" || len(n.ID) > maxNotificationID:
		return fmt.Errorf("notification id must be 1-%d bytes", maxNotificationID)
	case n.Kind == "" || len(n.Kind) > maxNotificationName:
		return fmt.Errorf("notification %s: kind must be 1-%d bytes", n.ID, maxNotificationName)
	case n.Event == "" || len(n.Event) > maxNotificationName:
		return fmt.Errorf("notification %s: event must be 1-%d bytes", n.ID, maxNotificationName)
	case n.Target == "" || len(n.Target) > maxNotificationField || len(n.Tenant) > maxNotificationField:
		return fmt.Errorf("notification %s: target must be 1-%d bytes", n.ID, maxNotificationField)
	case n.CreatedAt.IsZero():
		return fmt.Errorf("notification %s: created_at is required", n.ID)
	case len(n.Payload) > 0 && !json.Valid(n.Payload):
		return fmt.Errorf("notification %s: payload is not valid JSON", n.ID)
	}
	return nil
}

// CheckLease rejects a lease no claim hands out: an empty id or an
// attempt below one (ErrLeaseLost, as the notification was never claimed).
func CheckLease(l Lease) error {
	switch {
	case l.ID == "" || len(l.ID) > maxNotificationID:
		return fmt.Errorf("notification id must be 1-%d bytes", maxNotificationID)
	case l.Attempt < 1:
		return ErrLeaseLost
	}
	return nil
}

// CheckNotificationState rejects a state Notifications cannot list.
func CheckNotificationState(state string) error {
	switch state {
	case NotificationPending, NotificationDelivered, NotificationFailed:
		return nil
	}
	return fmt.Errorf("unknown notification state %q", state)
}

// CheckClaim rejects claim arguments that cannot be honoured.
func CheckClaim(lease time.Duration, limit int) error {
	switch {
	case lease <= 0:
		return fmt.Errorf("claim lease must be positive, not %s", lease)
	case limit <= 0 || limit > MaxPageSize:
		return fmt.Errorf("claim limit must be 1-%d, not %d", MaxPageSize, limit)
	}
	return nil
}

// NewNotification returns n as enqueued: pending, no attempts, times in
// UTC to the microsecond, NextAt defaulting to CreatedAt.
func NewNotification(n Notification) Notification {
	n.CreatedAt = normalTime(n.CreatedAt)
	n.NextAt = normalTime(n.NextAt)
	if n.NextAt.IsZero() {
		n.NextAt = n.CreatedAt
	}
	n.State, n.Attempts, n.LastError, n.DoneAt = NotificationPending, 0, "", nil
	return n
}

// normalTime is t as the outbox keeps it: UTC, whole microseconds, so
// both backends return the same instants. The zero time stays zero.
func normalTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Microsecond)
}
