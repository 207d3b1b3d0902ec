package notify

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenant"
)

// Event is something to tell receivers about.
type Event struct {
	// ID makes publishing idempotent: publishing an ID again, within the
	// store's retention, adds nothing. Default: a random id.
	ID string
	// Tenant the event is about.
	Tenant string
	// Type, e.g. GrantCreated: dot-separated words of [a-z0-9_].
	Type string
	// Time the event happened (default: now).
	Time time.Time
	// Data is the event's data; it is sent as JSON.
	Data any
}

// eventType is the form Standard Webhooks recommends for event types.
var eventType = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)*$`)

// maxEventID bounds a caller's event id, which only feeds the hash that
// makes notification ids.
const maxEventID = 256

// Enqueue publishes an event of the tenant, of type event, with payload as
// its data. It returns once every notification is in the outbox.
func (n *Notifier) Enqueue(ctx context.Context, tenant, event string, payload any) error {
	return n.Publish(ctx, Event{Tenant: tenant, Type: event, Data: payload})
}

// Publish writes one notification of e per webhook endpoint and email
// recipient into the outbox, all or none, and wakes the worker.
func (n *Notifier) Publish(ctx context.Context, e Event) error {
	e, data, err := n.prepare(e)
	if err != nil {
		return fmt.Errorf("notify: publish: %w", err)
	}
	targets, err := n.targets(ctx, e)
	if err != nil {
		return fmt.Errorf("notify: publish %s of tenant %s: %w", e.Type, e.Tenant, err)
	}
	if len(targets) == 0 {
		return nil
	}
	ns := make([]store.Notification, len(targets))
	for i, t := range targets {
		ns[i] = store.Notification{
			ID:        notificationID(e.ID, t.kind, t.name),
			Tenant:    e.Tenant,
			Kind:      t.kind,
			Target:    t.name,
			Event:     e.Type,
			Payload:   data,
			CreatedAt: e.Time,
		}
	}
	if err := n.outbox.EnqueueNotifications(ctx, ns...); err != nil {
		return fmt.Errorf("notify: publish %s of tenant %s: %w", e.Type, e.Tenant, err)
	}
	n.nudge()
	return nil
}

// prepare checks e, fills in its defaults and encodes its data.
func (n *Notifier) prepare(e Event) (Event, json.RawMessage, error) {
	if err := tenant.Validate(e.Tenant); err != nil {
		return e, nil, err
	}
	if !eventType.MatchString(e.Type) || len(e.Type) > 64 {
		return e, nil, fmt.Errorf("event type %.64q is not dot-separated words of a-z, 0-9 and _", e.Type)
	}
	if len(e.ID) > maxEventID {
		return e, nil, fmt.Errorf("event id longer than %d bytes", maxEventID)
	}
	if e.ID == "" {
		e.ID = randomID()
	}
	if e.Time.IsZero() {
		e.Time = n.now()
	}
	data, err := json.Marshal(e.Data)
	if err != nil {
		return e, nil, fmt.Errorf("encode %s data: %w", e.Type, err)
	}
	return e, data, nil
}

// target is one receiver of an event.
type target struct{ kind, name string }

// targets lists the receivers of e: every endpoint, then every distinct
// email recipient.
func (n *Notifier) targets(ctx context.Context, e Event) ([]target, error) {
	var out []target
	for _, ep := range n.cfg.Endpoints {
		out = append(out, target{KindWebhook, ep.Name})
	}
	if n.cfg.Recipients == nil {
		return out, nil
	}
	addrs, err := n.cfg.Recipients.Recipients(ctx, e.Tenant, e.Type)
	if err != nil {
		return nil, fmt.Errorf("email recipients: %w", err)
	}
	seen := map[string]bool{}
	for _, a := range addrs {
		a = strings.TrimSpace(a)
		if a == "" || seen[strings.ToLower(a)] {
			continue
		}
		seen[strings.ToLower(a)] = true
		out = append(out, target{KindEmail, a})
	}
	return out, nil
}

// notificationID is the stable id of an event's notification to one
// receiver: the same event always yields the same ids, which makes a
// repeated publish a no-op and is what receivers deduplicate on.
func notificationID(eventID, kind, target string) string {
	h := sha256.Sum256([]byte(eventID + "\x00" + kind + "\x00" + target))
	return "msg_" + hex.EncodeToString(h[:16])
}

// randomID returns a fresh event id.
func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails
	return "evt_" + hex.EncodeToString(b[:])
}
