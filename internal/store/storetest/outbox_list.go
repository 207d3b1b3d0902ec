package storetest

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Listing cases: the outbox read page by page, what retention drops, and
// input refused before anything is stored.

func testOutboxList(t *testing.T, a, b store.Store) {
	t0 := now()
	var want []string
	for i := 1; i <= 5; i++ {
		n := newNotification(i, t0.Add(time.Duration(i)*time.Second))
		enqueue(t, a, n)
		want = append([]string{n.ID}, want...)
	}
	if got := listAll(t, b, store.NotificationPending); !slices.Equal(got, want) {
		t.Fatalf("pending = %v, want newest first %v", got, want)
	}
	// A page's last entry leaving the list does not break the next page.
	page, next, err := b.Notifications(ctx(t), store.NotificationPending, store.Page{Limit: 2})
	if err != nil || len(page) != 2 || next == "" {
		t.Fatalf("first page: %v, %q, %v", notificationIDs(page), next, err)
	}
	for _, c := range claim(t, a, t0.Add(time.Hour), 10) {
		if c.ID == page[1].ID {
			if err := a.CompleteNotification(ctx(t), c.Lease(), t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
	}
	rest, _, err := b.Notifications(ctx(t), store.NotificationPending, store.Page{Limit: 10, Cursor: next})
	if err != nil || !slices.Equal(notificationIDs(rest), want[2:]) {
		t.Fatalf("page after its cursor's entry left: %v, %v; want %v", notificationIDs(rest), err, want[2:])
	}
	if got := listAll(t, b, store.NotificationDelivered); !slices.Equal(got, []string{page[1].ID}) {
		t.Fatalf("delivered = %v", got)
	}
	if _, _, err := b.Notifications(ctx(t), store.NotificationPending, store.Page{Cursor: "zzz"}); !errors.Is(err, store.ErrInvalidCursor) {
		t.Fatalf("Notifications with a bad cursor: %v", err)
	}
	if _, _, err := b.Notifications(ctx(t), "sent", store.Page{}); err == nil {
		t.Fatal("Notifications of an unknown state: no error")
	}
}

func testOutboxRetention(t *testing.T, a, b store.Store) {
	t0 := now()
	enqueue(t, a, newNotification(1, t0), newNotification(2, t0))
	c := claim(t, a, t0, 2)
	if err := a.CompleteNotification(ctx(t), c[0].Lease(), t0); err != nil {
		t.Fatal(err)
	}
	later := t0.Add(store.NotificationRetention + time.Second)
	if err := b.FailNotification(ctx(t), c[1].Lease(), later, "gone"); err != nil {
		t.Fatal(err)
	}
	if got := listAll(t, a, store.NotificationDelivered); len(got) != 0 {
		t.Fatalf("delivered past retention still listed: %v", got)
	}
	if _, err := a.GetNotification(ctx(t), c[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("notification past retention: %v, want ErrNotFound", err)
	}
	if got := listAll(t, a, store.NotificationFailed); !slices.Equal(got, []string{c[1].ID}) {
		t.Fatalf("failed within retention = %v", got)
	}
}

func testOutboxBadInput(t *testing.T, a, _ store.Store) {
	t0 := now()
	bad := map[string]func(*store.Notification){
		"no id":          func(n *store.Notification) { n.ID = "" },
		"no kind":        func(n *store.Notification) { n.Kind = "" },
		"no target":      func(n *store.Notification) { n.Target = "" },
		"no event":       func(n *store.Notification) { n.Event = "" },
		"no time":        func(n *store.Notification) { n.CreatedAt = time.Time{} },
		"bad payload":    func(n *store.Notification) { n.Payload = json.RawMessage(`{"a":`) },
		"very long id":   func(n *store.Notification) { n.ID = string(make([]byte, 5000)) },
		"very long kind": func(n *store.Notification) { n.Kind = string(make([]byte, 500)) },
	}
	for name, edit := range bad {
		n := newNotification(2, t0)
		edit(&n)
		// One bad notification keeps the whole batch out.
		if err := a.EnqueueNotifications(ctx(t), newNotification(1, t0), n); err == nil {
			t.Fatalf("%s: no error", name)
		}
	}
	if got := claim(t, a, t0, 10); len(got) != 0 {
		t.Fatalf("a refused batch was partly enqueued: %v", notificationIDs(got))
	}
	if _, err := a.ClaimNotifications(ctx(t), t0, 0, 10); err == nil {
		t.Fatal("claim with no lease: no error")
	}
	if _, err := a.ClaimNotifications(ctx(t), t0, lease, 0); err == nil {
		t.Fatal("claim of none: no error")
	}
	if err := a.EnqueueNotifications(ctx(t)); err != nil {
		t.Fatalf("enqueue of nothing: %v", err)
	}
}
