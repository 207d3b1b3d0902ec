package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Delivery cases: a notification enqueued once, claimed under a lease by
// one client at a time, retried on schedule, and completed or failed.

func testOutboxLifecycle(t *testing.T, a, b store.Store) {
	t0 := now()
	n1, n2, n3 := newNotification(1, t0), newNotification(2, t0.Add(time.Second)), newNotification(3, t0)
	n3.NextAt = t0.Add(time.Hour) // due later than created
	enqueue(t, a, n1, n2, n3)

	got := getNotification(t, b, n1.ID)
	if got.State != store.NotificationPending || got.Attempts != 0 || !got.NextAt.Equal(t0) || string(got.Payload) != `{"n":1}` ||
		got.Tenant != "acme" || got.Kind != "webhook" || got.Target != "app" || got.Event != "grant.created" || !got.CreatedAt.Equal(t0) {
		t.Fatalf("enqueued = %+v", got)
	}
	claimed := claim(t, b, t0.Add(time.Second), 10)
	if ids := notificationIDs(claimed); !slices.Equal(ids, []string{n1.ID, n2.ID}) {
		t.Fatalf("claimed %v, want the two due ones, earliest first", ids)
	}
	for _, n := range claimed {
		if n.Attempts != 1 || !n.NextAt.Equal(t0.Add(time.Second+lease)) || n.State != store.NotificationPending {
			t.Fatalf("claimed %+v: want attempt 1, leased until %v", n, t0.Add(time.Second+lease))
		}
	}
	if again := claim(t, a, t0.Add(time.Second), 10); len(again) != 0 {
		t.Fatalf("leased notifications claimed again: %v", notificationIDs(again))
	}
	done := t0.Add(2 * time.Second)
	if err := a.CompleteNotification(ctx(t), claimed[0].Lease(), done); err != nil {
		t.Fatalf("CompleteNotification: %v", err)
	}
	got = getNotification(t, b, n1.ID)
	if got.State != store.NotificationDelivered || got.DoneAt == nil || !got.DoneAt.Equal(done) || got.Attempts != 1 {
		t.Fatalf("completed = %+v", got)
	}
	// A client repeating a settle that succeeded (after a lost reply) is told it did.
	if err := b.CompleteNotification(ctx(t), claimed[0].Lease(), done); err != nil {
		t.Fatalf("repeated CompleteNotification: %v", err)
	}
	if later := claim(t, a, t0.Add(2*time.Hour), 10); !slices.Equal(notificationIDs(later), []string{n2.ID, n3.ID}) {
		t.Fatalf("claim after the lease = %v, want the unsettled one and the later one", notificationIDs(later))
	}
}

func testOutboxIdempotentEnqueue(t *testing.T, a, b store.Store) {
	t0 := now()
	n := newNotification(1, t0)
	enqueue(t, a, n)
	again := n
	again.Payload = json.RawMessage(`{"n":"other"}`)
	enqueue(t, b, again, again) // also twice in one call
	if got := getNotification(t, a, n.ID); string(got.Payload) != `{"n":1}` {
		t.Fatalf("payload after a repeated enqueue = %s", got.Payload)
	}
	claimed := claim(t, a, t0, 10)
	if len(claimed) != 1 {
		t.Fatalf("claimed %d notifications of one id", len(claimed))
	}
	enqueue(t, b, n) // while leased: the lease and attempts stay
	if got := getNotification(t, a, n.ID); got.Attempts != 1 || !got.NextAt.Equal(t0.Add(lease)) {
		t.Fatalf("after enqueue of a leased one: %+v", got)
	}
	if err := a.CompleteNotification(ctx(t), claimed[0].Lease(), t0); err != nil {
		t.Fatal(err)
	}
	enqueue(t, b, n) // once delivered it is not sent again
	if got := claim(t, a, t0.Add(time.Hour), 10); len(got) != 0 {
		t.Fatalf("delivered notification claimed again after a repeated enqueue: %+v", got)
	}
	if got := listAll(t, b, store.NotificationPending); len(got) != 0 {
		t.Fatalf("pending after delivery: %v", got)
	}
}

func testOutboxLeaseExpiry(t *testing.T, a, b store.Store) {
	t0 := now()
	n := newNotification(1, t0)
	enqueue(t, a, n)
	first := claim(t, a, t0, 1)
	if len(first) != 1 {
		t.Fatal("nothing claimed")
	}
	if got := claim(t, b, t0.Add(lease-time.Microsecond), 1); len(got) != 0 {
		t.Fatal("claimed again before the lease ended")
	}
	// The first claimant died; once its lease ends another claims it.
	second := claim(t, b, t0.Add(lease), 1)
	if len(second) != 1 || second[0].Attempts != 2 || !second[0].NextAt.Equal(t0.Add(2*lease)) {
		t.Fatalf("re-claim after the lease = %+v", second)
	}
	for name, settle := range map[string]func() error{
		"complete": func() error { return a.CompleteNotification(ctx(t), first[0].Lease(), t0) },
		"retry":    func() error { return a.RetryNotification(ctx(t), first[0].Lease(), t0, "late") },
		"fail":     func() error { return a.FailNotification(ctx(t), first[0].Lease(), t0, "late") },
	} {
		if err := settle(); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("%s with an expired lease that was re-claimed: %v, want ErrLeaseLost", name, err)
		}
	}
	if err := b.CompleteNotification(ctx(t), second[0].Lease(), t0.Add(lease)); err != nil {
		t.Fatalf("CompleteNotification with the current lease: %v", err)
	}
	if err := a.RetryNotification(ctx(t), second[0].Lease(), t0, "late"); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("retry of a delivered notification: %v, want ErrLeaseLost", err)
	}
}

func testOutboxRetrySchedule(t *testing.T, a, b store.Store) {
	t0 := now()
	enqueue(t, a, newNotification(1, t0))
	for i, delay := range []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute} {
		c := claim(t, a, t0, 1)
		if len(c) != 1 || c[0].Attempts != i+1 {
			t.Fatalf("attempt %d: claimed %+v", i+1, c)
		}
		t0 = t0.Add(delay)
		if err := b.RetryNotification(ctx(t), c[0].Lease(), t0, fmt.Sprintf("receiver said 503 (%d)", i+1)); err != nil {
			t.Fatalf("RetryNotification: %v", err)
		}
		if got := claim(t, b, t0.Add(-time.Microsecond), 1); len(got) != 0 {
			t.Fatalf("attempt %d: claimed before it was due again", i+1)
		}
	}
	c := claim(t, b, t0, 1)
	if len(c) != 1 || c[0].Attempts != 4 || c[0].LastError != "receiver said 503 (3)" || c[0].State != store.NotificationPending {
		t.Fatalf("after three retries: %+v", c)
	}
	if err := a.CompleteNotification(ctx(t), c[0].Lease(), t0); err != nil {
		t.Fatal(err)
	}
	if got := getNotification(t, b, c[0].ID); got.LastError != "receiver said 503 (3)" || got.State != store.NotificationDelivered {
		t.Fatalf("delivered after retries: %+v", got)
	}
}

func testOutboxFail(t *testing.T, a, b store.Store) {
	t0 := now()
	enqueue(t, a, newNotification(1, t0), newNotification(2, t0))
	c := claim(t, a, t0, 1)
	if err := b.FailNotification(ctx(t), c[0].Lease(), t0.Add(time.Second), "receiver said 410 Gone"); err != nil {
		t.Fatalf("FailNotification: %v", err)
	}
	got := getNotification(t, a, c[0].ID)
	if got.State != store.NotificationFailed || got.LastError != "receiver said 410 Gone" || got.DoneAt == nil || !got.DoneAt.Equal(t0.Add(time.Second)) {
		t.Fatalf("failed = %+v", got)
	}
	if err := a.FailNotification(ctx(t), c[0].Lease(), t0.Add(time.Second), "again"); err != nil {
		t.Fatalf("repeated FailNotification: %v", err)
	}
	if err := a.CompleteNotification(ctx(t), c[0].Lease(), t0); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("complete of a failed notification: %v, want ErrLeaseLost", err)
	}
	if rest := claim(t, b, t0.Add(24*time.Hour), 10); !slices.Equal(notificationIDs(rest), []string{"msg_0002"}) {
		t.Fatalf("claimable after a failure: %v", notificationIDs(rest))
	}
	if f := listAll(t, b, store.NotificationFailed); !slices.Equal(f, []string{c[0].ID}) {
		t.Fatalf("failed list = %v", f)
	}
	if p := listAll(t, b, store.NotificationPending); !slices.Equal(p, []string{"msg_0002"}) {
		t.Fatalf("pending list = %v", p)
	}
}

func testOutboxSettleErrors(t *testing.T, a, _ store.Store) {
	t0 := now()
	missing := store.Lease{ID: "msg_missing", Attempt: 1}
	if err := a.CompleteNotification(ctx(t), missing, t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("complete of a missing notification: %v, want ErrNotFound", err)
	}
	if err := a.RetryNotification(ctx(t), missing, t0, "x"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("retry of a missing notification: %v, want ErrNotFound", err)
	}
	if _, err := a.GetNotification(ctx(t), "msg_missing"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetNotification of a missing one: %v, want ErrNotFound", err)
	}
	n := newNotification(1, t0)
	enqueue(t, a, n)
	// Never claimed: no lease can settle it.
	if err := a.CompleteNotification(ctx(t), n.Lease(), t0); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("complete without a claim: %v, want ErrLeaseLost", err)
	}
}

func testOutboxConcurrentClaims(t *testing.T, a, b store.Store) {
	t0 := now()
	const total = 200
	var ns []store.Notification
	for i := range total {
		ns = append(ns, newNotification(i, t0.Add(time.Duration(i%7)*time.Millisecond)))
	}
	enqueue(t, a, ns...)
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for w := range 8 {
		s := alternate(w, a, b)
		wg.Go(func() {
			for range total { // bounded, so a broken lease fails instead of spinning
				got, err := s.ClaimNotifications(ctx(t), t0.Add(time.Second), lease, 7)
				if err != nil {
					t.Errorf("ClaimNotifications: %v", err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, n := range got {
					seen[n.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != total {
		t.Fatalf("claimed %d distinct notifications, want %d", len(seen), total)
	}
	for id, times := range seen {
		if times != 1 {
			t.Fatalf("%s claimed %d times within one lease", id, times)
		}
	}
}
