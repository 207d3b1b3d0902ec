package storetest

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// outboxCases are the outbox's cases of the suite.
var outboxCases = []struct {
	name string
	run  func(*testing.T, store.Store, store.Store)
}{
	{"OutboxLifecycle", testOutboxLifecycle},
	{"OutboxIdempotentEnqueue", testOutboxIdempotentEnqueue},
	{"OutboxLeaseExpiry", testOutboxLeaseExpiry},
	{"OutboxRetrySchedule", testOutboxRetrySchedule},
	{"OutboxFail", testOutboxFail},
	{"OutboxSettleErrors", testOutboxSettleErrors},
	{"OutboxConcurrentClaims", testOutboxConcurrentClaims},
	{"OutboxList", testOutboxList},
	{"OutboxRetention", testOutboxRetention},
	{"OutboxBadInput", testOutboxBadInput},
}

const lease = time.Minute

func newNotification(n int, created time.Time) store.Notification {
	return store.Notification{
		ID:        fmt.Sprintf("msg_%04d", n),
		Tenant:    "acme",
		Kind:      "webhook",
		Target:    "app",
		Event:     "grant.created",
		Payload:   json.RawMessage(fmt.Sprintf(`{"n":%d}`, n)),
		CreatedAt: created,
	}
}

func enqueue(t *testing.T, s store.Store, ns ...store.Notification) {
	t.Helper()
	if err := s.EnqueueNotifications(ctx(t), ns...); err != nil {
		t.Fatalf("EnqueueNotifications: %v", err)
	}
}

func claim(t *testing.T, s store.Store, at time.Time, limit int) []store.Notification {
	t.Helper()
	ns, err := s.ClaimNotifications(ctx(t), at, lease, limit)
	if err != nil {
		t.Fatalf("ClaimNotifications: %v", err)
	}
	return ns
}

func notificationIDs(ns []store.Notification) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.ID
	}
	return out
}

func getNotification(t *testing.T, s store.Store, id string) store.Notification {
	t.Helper()
	n, err := s.GetNotification(ctx(t), id)
	if err != nil {
		t.Fatalf("GetNotification(%s): %v", id, err)
	}
	return n
}

func listAll(t *testing.T, s store.Store, state string) []string {
	t.Helper()
	var all []string
	p := store.Page{Limit: 2}
	for range 10000 {
		page, next, err := s.Notifications(ctx(t), state, p)
		if err != nil {
			t.Fatalf("Notifications(%s): %v", state, err)
		}
		all = append(all, notificationIDs(page)...)
		if next == "" {
			return all
		}
		p.Cursor = next
	}
	t.Fatal("Notifications never returned an empty cursor")
	return nil
}
