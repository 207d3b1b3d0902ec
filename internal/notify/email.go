package notify

import (
	"context"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Recipients tells whom to email about an event of a tenant, typically
// the tenant's admins. Returning none is fine.
type Recipients interface {
	Recipients(ctx context.Context, tenant, event string) ([]string, error)
}

// RecipientsFunc adapts a function to Recipients.
type RecipientsFunc func(ctx context.Context, tenant, event string) ([]string, error)

// Recipients calls f.
func (f RecipientsFunc) Recipients(ctx context.Context, tenant, event string) ([]string, error) {
	return f(ctx, tenant, event)
}

// Deliverer sends one email notification: it renders n.Event and
// n.Payload for the address n.Target and sends the message. It returns
// Permanent(err) when trying again cannot help; other errors are retried.
type Deliverer interface {
	Deliver(ctx context.Context, n store.Notification) error
}

// DelivererFunc adapts a function to Deliverer.
type DelivererFunc func(ctx context.Context, n store.Notification) error

// Deliver calls f.
func (f DelivererFunc) Deliver(ctx context.Context, n store.Notification) error { return f(ctx, n) }

var (
	_ Recipients = RecipientsFunc(nil)
	_ Deliverer  = DelivererFunc(nil)
)
