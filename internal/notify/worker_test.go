package notify_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// hangFirst makes the first attempt hang until the sender gives up on it
// (closing inFlight when it arrives); later attempts succeed.
func hangFirst(inFlight chan struct{}) func(int, http.ResponseWriter, *http.Request) {
	return func(attempt int, w http.ResponseWriter, r *http.Request) {
		if attempt == 1 {
			close(inFlight)
			<-r.Context().Done()
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}
}

// dying is a store a worker's process loses mid-flight: once killed, it
// answers nothing, so the worker can neither settle nor hand back what it
// claimed.
type dying struct {
	store.Outbox
	dead atomic.Bool
}

var errDead = errors.New("the process is gone")

func (d *dying) ClaimNotifications(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Notification, error) {
	if d.dead.Load() {
		return nil, errDead
	}
	return d.Outbox.ClaimNotifications(ctx, now, lease, limit)
}

func (d *dying) CompleteNotification(ctx context.Context, l store.Lease, at time.Time) error {
	if d.dead.Load() {
		return errDead
	}
	return d.Outbox.CompleteNotification(ctx, l, at)
}

func (d *dying) RetryNotification(ctx context.Context, l store.Lease, next time.Time, msg string) error {
	if d.dead.Load() {
		return errDead
	}
	return d.Outbox.RetryNotification(ctx, l, next, msg)
}

func (d *dying) FailNotification(ctx context.Context, l store.Lease, at time.Time, msg string) error {
	if d.dead.Load() {
		return errDead
	}
	return d.Outbox.FailNotification(ctx, l, at, msg)
}

func TestKilledWorkerIsReplacedAfterLease(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(*testing.T) store.Store) {
		s := open(t)
		clk := testkit.NowClock()
		inFlight := make(chan struct{})
		rc := newReceiver(t, clk, hangFirst(inFlight))
		cfg := notify.Config{Endpoints: []notify.Endpoint{rc.endpoint("app")}}
		victim := &dying{Outbox: s}
		a := newNotifier(t, victim, clk, cfg)
		stopA := start(t, a)
		if err := a.Enqueue(ctx(t), "acme", notify.SessionStarted, notify.SessionData{Tenant: "acme"}); err != nil {
			t.Fatal(err)
		}
		<-inFlight
		victim.dead.Store(true) // killed after the claim, before the outcome
		stopA()

		leased := onlyNotification(t, s, store.NotificationPending)
		if leased.Attempts != 1 || !leased.NextAt.Equal(clk.Now().Add(notify.DefaultLease)) {
			t.Fatalf("after the kill: %+v, want leased until %v", leased, clk.Now().Add(notify.DefaultLease))
		}
		b := newNotifier(t, s, clk, cfg)
		start(t, b)
		clk.Set(leased.NextAt)
		testkit.Eventually(t, func() bool { return len(rc.delivered()) == 1 }, "the second worker's delivery")
		if all := rc.all(); len(all) != 2 || all[1].id != all[0].id {
			t.Fatalf("attempts: %d, want 2 with one webhook-id", len(all))
		}
		testkit.Eventually(t, func() bool {
			got := notification(t, s, leased.ID)
			return got.State == store.NotificationDelivered && got.Attempts == 2
		}, "the delivery to be recorded")
	})
}

func TestShutdownHandsBackAtOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(*testing.T) store.Store) {
		s := open(t)
		clk := testkit.NowClock()
		inFlight := make(chan struct{})
		rc := newReceiver(t, clk, hangFirst(inFlight))
		cfg := notify.Config{Endpoints: []notify.Endpoint{rc.endpoint("app")}}
		a := newNotifier(t, s, clk, cfg)
		stopA := start(t, a)
		if err := a.Enqueue(ctx(t), "acme", notify.GrantCreated, nil); err != nil {
			t.Fatal(err)
		}
		<-inFlight
		stopA() // returns once the delivery is cut short and handed back

		p := onlyNotification(t, s, store.NotificationPending)
		if p.Attempts != 1 || p.NextAt.After(clk.Now()) {
			t.Fatalf("after shutdown: %+v, want due now", p)
		}
		start(t, newNotifier(t, s, clk, cfg)) // no clock change needed
		testkit.Eventually(t, func() bool { return len(rc.delivered()) == 1 }, "the delivery")
	})
}

func TestTwoWorkersNeverDoubleSend(t *testing.T) {
	srv := redistest.Start(t)
	clk := testkit.NowClock() // never moves: no lease ever ends
	rc := newReceiver(t, clk, nil)
	cfg := notify.Config{Endpoints: []notify.Endpoint{rc.endpoint("app")}, Concurrency: 3}
	a := newNotifier(t, testkit.Redis(t, srv.URL()), clk, cfg)
	b := newNotifier(t, testkit.Redis(t, srv.URL()), clk, cfg)
	start(t, a)
	start(t, b)
	const events = 60
	for i := range events {
		n := a
		if i%2 == 1 {
			n = b
		}
		if err := n.Enqueue(ctx(t), "acme", notify.GrantCreated, i); err != nil {
			t.Fatal(err)
		}
	}
	testkit.Eventually(t, func() bool { return len(rc.delivered()) == events }, "every delivery")
	if got := rc.attemptCount(); got != events {
		t.Fatalf("%d requests for %d notifications", got, events)
	}
}

func TestRestartLosesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lockbox.db")
	clk := testkit.NowClock()
	rc := newReceiver(t, clk, func(attempt int, w http.ResponseWriter, _ *http.Request) {
		if attempt <= 2 {
			w.WriteHeader(http.StatusBadGateway)
		}
	})
	cfg := notify.Config{Endpoints: []notify.Endpoint{rc.endpoint("app")}}

	s1 := testkit.BoltAt(t, path)
	n1 := newNotifier(t, s1, clk, cfg)
	stop := start(t, n1)
	for i := range 2 {
		if err := n1.Enqueue(ctx(t), "acme", notify.GrantCreated, i); err != nil {
			t.Fatal(err)
		}
	}
	testkit.Eventually(t, func() bool {
		ns, _, _ := s1.Notifications(ctx(t), store.NotificationPending, store.Page{})
		return len(ns) == 2 && ns[0].LastError != "" && ns[1].LastError != ""
	}, "two failed attempts")
	stop()
	// Published with no worker running, then the process stops.
	for i := 2; i < 4; i++ {
		if err := n1.Enqueue(ctx(t), "acme", notify.GrantCreated, i); err != nil {
			t.Fatal(err)
		}
	}
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}

	s2 := testkit.BoltAt(t, path)
	start(t, newNotifier(t, s2, clk, cfg))
	testkit.Eventually(t, func() bool { return len(rc.delivered()) == 2 }, "the two new ones")
	clk.Add(time.Minute) // past the retries of the first two
	testkit.Eventually(t, func() bool { return len(rc.delivered()) == 4 }, "all four")
	for id, times := range rc.delivered() {
		if times != 1 {
			t.Fatalf("%s processed %d times", id, times)
		}
	}
	if got := rc.attemptCount(); got != 6 {
		t.Fatalf("%d requests, want 6", got)
	}
}

func TestPublishIsIdempotent(t *testing.T) {
	clk := testkit.NowClock()
	rc := newReceiver(t, clk, nil)
	s := testkit.Bolt(t)
	n := newNotifier(t, s, clk, notify.Config{Endpoints: []notify.Endpoint{rc.endpoint("app")}})
	ev := notify.Event{ID: "audit-acme-42", Tenant: "acme", Type: notify.GrantRevoked, Data: map[string]int{"n": 1}}
	for range 2 {
		if err := n.Publish(ctx(t), ev); err != nil {
			t.Fatal(err)
		}
	}
	start(t, n)
	testkit.Eventually(t, func() bool { return len(rc.delivered()) == 1 }, "the delivery")
	id := rc.all()[0].id
	testkit.Eventually(t, func() bool {
		return notification(t, s, id).State == store.NotificationDelivered
	}, "the delivery to be recorded")
	if err := n.Publish(ctx(t), ev); err != nil { // a caller retrying late
		t.Fatal(err)
	}
	if ns, _, _ := s.Notifications(ctx(t), store.NotificationPending, store.Page{}); len(ns) != 0 {
		t.Fatalf("a delivered event was queued again: %+v", ns)
	}
	if got := rc.attemptCount(); got != 1 {
		t.Fatalf("%d requests, want 1", got)
	}
}

func TestUnconfiguredEndpointWaits(t *testing.T) {
	clk := testkit.NowClock()
	rc := newReceiver(t, clk, nil)
	s := testkit.Bolt(t)
	// One instance knows the endpoint, another (not reloaded yet) does not.
	knows := newNotifier(t, s, clk, notify.Config{Endpoints: []notify.Endpoint{rc.endpoint("app")}})
	stopOther := start(t, newNotifier(t, s, clk, notify.Config{}))
	if err := knows.Enqueue(ctx(t), "acme", notify.GrantCreated, nil); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, func() bool {
		ns, _, _ := s.Notifications(ctx(t), store.NotificationPending, store.Page{})
		return len(ns) == 1 && ns[0].LastError != ""
	}, "the attempt")
	if p := onlyNotification(t, s, store.NotificationPending); p.LastError != `webhook endpoint "app" is not configured here` {
		t.Fatalf("last error = %q", p.LastError)
	}
	// Stop the other instance first, or it may claim the retry again and
	// push it past where the test's clock goes.
	stopOther()
	clk.Add(time.Minute)
	start(t, knows)
	testkit.Eventually(t, func() bool { return len(rc.delivered()) == 1 }, "the delivery by the instance that knows it")
}

func TestStoreOutageIsSurvived(t *testing.T) {
	srv := redistest.Start(t)
	clk := testkit.NowClock()
	rc := newReceiver(t, clk, nil)
	s := testkit.Redis(t, srv.URL())
	n := newNotifier(t, s, clk, notify.Config{Endpoints: []notify.Endpoint{rc.endpoint("app")}})
	srv.Stop()
	start(t, n)
	if err := n.Enqueue(ctx(t), "acme", notify.GrantCreated, nil); err == nil {
		t.Fatal("Enqueue with the store down: no error")
	}
	srv.Restart()
	if err := n.Enqueue(ctx(t), "acme", notify.GrantCreated, nil); err != nil {
		t.Fatalf("Enqueue after the store came back: %v", err)
	}
	testkit.Eventually(t, func() bool { return len(rc.delivered()) == 1 }, "the delivery")
}

// mailbox is an email Deliverer that records what it is given.
type mailbox struct {
	got  chan store.Notification
	fail map[string]error
}

func (m *mailbox) Deliver(_ context.Context, n store.Notification) error {
	m.got <- n
	return m.fail[n.Target]
}

func TestEmailFanOut(t *testing.T) {
	clk := testkit.NowClock()
	rc := newReceiver(t, clk, nil)
	s := testkit.Bolt(t)
	mb := &mailbox{got: make(chan store.Notification, 10), fail: map[string]error{
		"bob@acme.test": notify.Permanent(errors.New("550 no such mailbox")),
	}}
	admins := notify.RecipientsFunc(func(_ context.Context, tenant, event string) ([]string, error) {
		if tenant != "acme" || event != notify.GrantCreated {
			return nil, fmt.Errorf("asked about %s %s", tenant, event)
		}
		return []string{"ann@acme.test", "ANN@acme.test", " bob@acme.test ", ""}, nil
	})
	n := newNotifier(t, s, clk, notify.Config{Endpoints: []notify.Endpoint{rc.endpoint("app")}, Recipients: admins, Email: mb})
	start(t, n)
	if err := n.Enqueue(ctx(t), "acme", notify.GrantCreated, notify.NewGrantData(grant(clk.Now()))); err != nil {
		t.Fatal(err)
	}
	seen := map[string]store.Notification{}
	for range 2 {
		select {
		case got := <-mb.got:
			seen[got.Target] = got
		case <-time.After(10 * time.Second):
			t.Fatalf("emails sent: %d, want 2", len(seen))
		}
	}
	ann, bob := seen["ann@acme.test"], seen["bob@acme.test"]
	if ann.Kind != notify.KindEmail || ann.Event != notify.GrantCreated || ann.Tenant != "acme" || bob.ID == "" || bob.ID == ann.ID {
		t.Fatalf("emails: %+v", seen)
	}
	testkit.Eventually(t, func() bool {
		return notification(t, s, ann.ID).State == store.NotificationDelivered &&
			notification(t, s, bob.ID).State == store.NotificationFailed
	}, "the outcomes")
	if got := notification(t, s, bob.ID).LastError; got != "550 no such mailbox" {
		t.Fatalf("bob's last error = %q", got)
	}
	testkit.Eventually(t, func() bool { return len(rc.delivered()) == 1 }, "the webhook")
}
