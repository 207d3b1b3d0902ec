package notify_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

func grant(created time.Time) store.Grant {
	return store.Grant{ID: "g_1", Tenant: "acme", Scopes: []string{"read"}, CreatedBy: store.Actor{ID: "admin-7"}, CreatedAt: created}
}

func TestDeliversSignedWebhook(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(*testing.T) store.Store) {
		s := open(t)
		clk := testkit.NowClock()
		rc := newReceiver(t, clk, nil)
		n := newNotifier(t, s, clk, notify.Config{Endpoints: []notify.Endpoint{rc.endpoint("app")}})
		start(t, n)
		g := grant(clk.Now())
		if err := n.Enqueue(ctx(t), "acme", notify.GrantCreated, notify.NewGrantData(g)); err != nil {
			t.Fatalf("Enqueue: %v", err)
		}
		testkit.Eventually(t, func() bool { return len(rc.delivered()) == 1 }, "the delivery")

		d := rc.all()[0]
		// The receiver's own check, with the library's timestamp tolerance
		// against the real time (the test clock started at it).
		wh, _ := standardwebhooks.NewWebhook(secret)
		if err := wh.Verify(d.body, d.header); err != nil {
			t.Fatalf("Verify: %v", err)
		}
		var body struct {
			Type      string           `json:"type"`
			Timestamp time.Time        `json:"timestamp"`
			Data      notify.GrantData `json:"data"`
		}
		if err := json.Unmarshal(d.body, &body); err != nil {
			t.Fatalf("body %s: %v", d.body, err)
		}
		if body.Type != notify.GrantCreated || !body.Timestamp.Equal(clk.Now()) || body.Data.Tenant != "acme" || body.Data.Grant.ID != "g_1" {
			t.Fatalf("body = %s", d.body)
		}
		testkit.Eventually(t, func() bool {
			return notification(t, s, d.id).State == store.NotificationDelivered
		}, "the delivery to be recorded")
		if got := notification(t, s, d.id); got.Attempts != 1 || got.Kind != notify.KindWebhook || got.Target != "app" {
			t.Fatalf("delivered notification = %+v", got)
		}
	})
}

func TestRetriesUntilDeliveredOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func(*testing.T) store.Store) {
		s := open(t)
		clk := testkit.NowClock()
		const failures = 3
		rc := newReceiver(t, clk, func(attempt int, w http.ResponseWriter, _ *http.Request) {
			if attempt <= failures {
				w.WriteHeader(http.StatusServiceUnavailable)
			}
		})
		// A lease longer than any of the delays tells a leased notification
		// from one waiting for its retry.
		n := newNotifier(t, s, clk, notify.Config{Endpoints: []notify.Endpoint{rc.endpoint("app")}, Lease: 7 * time.Minute})
		start(t, n)
		if err := n.Enqueue(ctx(t), "acme", notify.GrantRevoked, notify.NewGrantData(grant(clk.Now()))); err != nil {
			t.Fatal(err)
		}
		for i, base := range notify.DefaultBackoff[:failures] {
			testkit.Eventually(t, func() bool {
				ns, _, err := s.Notifications(ctx(t), store.NotificationPending, store.Page{})
				return err == nil && len(ns) == 1 && ns[0].Attempts == i+1 && ns[0].LastError != "" && ns[0].NextAt.Before(clk.Now().Add(base*2))
			}, "a failed attempt to be rescheduled")
			p := onlyNotification(t, s, store.NotificationPending)
			if delay := p.NextAt.Sub(clk.Now()); delay < base || delay > base+base/5 {
				t.Fatalf("attempt %d: retry in %s, want %s plus up to a fifth", i+1, delay, base)
			}
			if !strings.Contains(p.LastError, "503") {
				t.Fatalf("last error = %q", p.LastError)
			}
			clk.Set(p.NextAt)
		}
		testkit.Eventually(t, func() bool { return len(rc.delivered()) == 1 }, "the delivery")
		all := rc.all()
		if len(all) != failures+1 {
			t.Fatalf("%d attempts, want %d", len(all), failures+1)
		}
		for _, d := range all {
			if d.id != all[0].id || string(d.body) != string(all[0].body) {
				t.Fatalf("attempts differ: %s %s vs %s %s", d.id, d.body, all[0].id, all[0].body)
			}
		}
		for id, times := range rc.delivered() {
			if times != 1 {
				t.Fatalf("%s processed %d times", id, times)
			}
		}
		testkit.Eventually(t, func() bool {
			got := notification(t, s, all[0].id)
			return got.State == store.NotificationDelivered && got.Attempts == failures+1
		}, "the delivery to be recorded")
	})
}

func TestResponseHandling(t *testing.T) {
	cases := []struct {
		name       string
		status     int
		retryAfter string
		wantState  string
		wantError  string
		minDelay   time.Duration
	}{
		{name: "ok", status: 200, wantState: store.NotificationDelivered},
		{name: "accepted", status: 202, wantState: store.NotificationDelivered},
		{name: "gone", status: 410, wantState: store.NotificationFailed, wantError: "410 Gone"},
		{name: "not found", status: 404, wantState: store.NotificationFailed, wantError: "404"},
		{name: "unauthorized", status: 401, wantState: store.NotificationFailed, wantError: "401"},
		{name: "request timeout", status: 408, wantState: store.NotificationPending, wantError: "408", minDelay: 5 * time.Second},
		{name: "too many requests", status: 429, retryAfter: "120", wantState: store.NotificationPending, wantError: "429", minDelay: 120 * time.Second},
		{name: "server error", status: 500, wantState: store.NotificationPending, wantError: "500", minDelay: 5 * time.Second},
		{name: "bad gateway", status: 502, wantState: store.NotificationPending, wantError: "502", minDelay: 5 * time.Second},
		{name: "retry after too long is bounded", status: 503, retryAfter: "999999999", wantState: store.NotificationPending, wantError: "503", minDelay: time.Hour},
		{name: "redirect", status: 308, wantState: store.NotificationPending, wantError: "no redirects", minDelay: 5 * time.Second},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := testkit.Bolt(t)
			clk := testkit.NowClock()
			rc := newReceiver(t, clk, func(_ int, w http.ResponseWriter, _ *http.Request) {
				if c.retryAfter != "" {
					w.Header().Set("Retry-After", c.retryAfter)
				}
				w.WriteHeader(c.status)
			})
			n := newNotifier(t, s, clk, notify.Config{Endpoints: []notify.Endpoint{rc.endpoint("app")}})
			start(t, n)
			ev := notify.Event{ID: c.name, Tenant: "acme", Type: notify.GrantCreated, Data: i}
			if err := n.Publish(ctx(t), ev); err != nil {
				t.Fatal(err)
			}
			testkit.Eventually(t, func() bool { return rc.attemptCount() == 1 }, "one attempt")
			id := rc.all()[0].id
			var got store.Notification
			testkit.Eventually(t, func() bool {
				got = notification(t, s, id)
				return got.State != store.NotificationPending || got.LastError != ""
			}, "the outcome")
			if got.State != c.wantState || !strings.Contains(got.LastError, c.wantError) {
				t.Fatalf("after a %d: %s with %q; want %s with %q", c.status, got.State, got.LastError, c.wantState, c.wantError)
			}
			if delay := got.NextAt.Sub(clk.Now()); c.wantState == store.NotificationPending && (delay < c.minDelay || delay > c.minDelay*6/5) {
				t.Fatalf("retry in %s, want %s (plus jitter)", delay, c.minDelay)
			}
		})
	}
}

func TestRedirectIsNotFollowed(t *testing.T) {
	clk := testkit.NowClock()
	elsewhere := newReceiver(t, clk, nil)
	rc := newReceiver(t, clk, func(_ int, w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.srv.URL+"/stolen", http.StatusTemporaryRedirect)
	})
	s := testkit.Bolt(t)
	n := newNotifier(t, s, clk, notify.Config{Endpoints: []notify.Endpoint{rc.endpoint("app")}})
	start(t, n)
	if err := n.Enqueue(ctx(t), "acme", notify.GrantCreated, nil); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, func() bool {
		ns, _, _ := s.Notifications(ctx(t), store.NotificationPending, store.Page{})
		return len(ns) == 1 && ns[0].LastError != ""
	}, "the failed attempt")
	if elsewhere.attemptCount() != 0 {
		t.Fatal("the redirect was followed")
	}
}

func TestTimeoutIsRetried(t *testing.T) {
	clk := testkit.NowClock()
	rc := newReceiver(t, clk, func(_ int, _ http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	s := testkit.Bolt(t)
	n := newNotifier(t, s, clk, notify.Config{Endpoints: []notify.Endpoint{rc.endpoint("app")}, Timeout: 100 * time.Millisecond, Lease: time.Minute})
	start(t, n)
	if err := n.Enqueue(ctx(t), "acme", notify.GrantCreated, nil); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, func() bool {
		ns, _, _ := s.Notifications(ctx(t), store.NotificationPending, store.Page{})
		return len(ns) == 1 && ns[0].LastError != ""
	}, "the timed-out attempt")
	if p := onlyNotification(t, s, store.NotificationPending); p.LastError != "no answer in time" || p.NextAt.Sub(clk.Now()) < 5*time.Second {
		t.Fatalf("after a timeout: %+v", p)
	}
}

func TestGivesUpAfterMaxAge(t *testing.T) {
	clk := testkit.NowClock()
	rc := newReceiver(t, clk, status(http.StatusInternalServerError))
	s := testkit.Bolt(t)
	n := newNotifier(t, s, clk, notify.Config{
		Endpoints: []notify.Endpoint{rc.endpoint("app")},
		Backoff:   []time.Duration{time.Minute},
		MaxAge:    150 * time.Second,
	})
	start(t, n)
	if err := n.Enqueue(ctx(t), "acme", notify.GrantCreated, nil); err != nil {
		t.Fatal(err)
	}
	for attempt := 1; attempt <= 2; attempt++ {
		testkit.Eventually(t, func() bool {
			ns, _, _ := s.Notifications(ctx(t), store.NotificationPending, store.Page{})
			// Retries come within 72s, the lease ends after 2m.
			return len(ns) == 1 && ns[0].Attempts == attempt && ns[0].NextAt.Before(clk.Now().Add(90*time.Second))
		}, "a retry")
		clk.Set(onlyNotification(t, s, store.NotificationPending).NextAt)
	}
	// The third attempt fails past 2m: the next would be past the max age.
	testkit.Eventually(t, func() bool {
		ns, _, _ := s.Notifications(ctx(t), store.NotificationFailed, store.Page{})
		return len(ns) == 1
	}, "giving up")
	f := onlyNotification(t, s, store.NotificationFailed)
	if f.Attempts != 3 || !strings.Contains(f.LastError, "gave up after 3 attempts") || !strings.Contains(f.LastError, "500") {
		t.Fatalf("given up: %+v", f)
	}
	if rc.attemptCount() != 3 {
		t.Fatalf("%d attempts, want 3", rc.attemptCount())
	}
}
