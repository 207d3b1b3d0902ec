package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// TestEvent is the type of the event PublishTest sends.
const TestEvent = "lockbox.test"

// ErrNoEndpoints is returned by PublishTest when no webhook endpoint is
// configured.
var ErrNoEndpoints = errors.New("no webhook endpoints are configured")

// TestData is the data of a lockbox.test event.
type TestData struct {
	// Message says what the event is for.
	Message string `json:"message"`
}

// testMessage tells a receiver's developer what they are looking at.
const testMessage = "This is a test event from Lockbox to check this webhook endpoint; no action is needed."

// PublishTest writes one lockbox.test notification per webhook endpoint
// into the outbox and wakes the worker. The event is about no tenant, so
// it has none and goes to no email recipient, only to the endpoints. It
// returns how many endpoints it goes to and the event's id, or
// ErrNoEndpoints when there are none.
func (n *Notifier) PublishTest(ctx context.Context) (endpoints int, eventID string, err error) {
	if len(n.cfg.Endpoints) == 0 {
		return 0, "", ErrNoEndpoints
	}
	eventID, at := randomID(), n.now()
	data, _ := json.Marshal(TestData{Message: testMessage}) // a plain string always encodes
	ns := make([]store.Notification, 0, len(n.cfg.Endpoints))
	for _, ep := range n.cfg.Endpoints {
		ns = append(ns, store.Notification{
			ID:        notificationID(eventID, KindWebhook, ep.Name),
			Kind:      KindWebhook,
			Target:    ep.Name,
			Event:     TestEvent,
			Payload:   data,
			CreatedAt: at,
		})
	}
	if err := n.outbox.EnqueueNotifications(ctx, ns...); err != nil {
		return 0, "", fmt.Errorf("notify: publish %s: %w", TestEvent, err)
	}
	n.nudge()
	return len(ns), eventID, nil
}
