package notify_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

func TestConfigErrors(t *testing.T) {
	s := testkit.Bolt(t)
	ok := notify.Endpoint{URL: "https://app.test/hooks", Secret: secret}
	short := "whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 16))
	mail := notify.DelivererFunc(func(context.Context, store.Notification) error { return nil })
	cases := []struct {
		name string
		cfg  notify.Config
		want string
	}{
		{"ftp url", notify.Config{Endpoints: []notify.Endpoint{{URL: "ftp://app.test/", Secret: secret}}}, "http or https"},
		{"relative url", notify.Config{Endpoints: []notify.Endpoint{{URL: "/hooks", Secret: secret}}}, "http or https"},
		{"no secret", notify.Config{Endpoints: []notify.Endpoint{{URL: ok.URL}}}, "secret is required"},
		{"secret not base64", notify.Config{Endpoints: []notify.Endpoint{{URL: ok.URL, Secret: secret + "!"}}}, "base64"},
		{"secret too short", notify.Config{Endpoints: []notify.Endpoint{{URL: ok.URL, Secret: short}}}, "24 to 64 bytes"},
		{"same name twice", notify.Config{Endpoints: []notify.Endpoint{ok, ok}}, "two webhook endpoints"},
		{"lease not above timeout", notify.Config{Lease: time.Second, Timeout: 2 * time.Second}, "lease"},
		{"negative poll", notify.Config{Poll: -time.Second}, "negative"},
		{"recipients without sender", notify.Config{Recipients: notify.RecipientsFunc(nil)}, "recipients and a sender"},
		{"sender without recipients", notify.Config{Email: mail}, "recipients and a sender"},
		{"zero backoff", notify.Config{Backoff: []time.Duration{0}}, "backoff"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := notify.New(s, c.cfg)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("New: %v, want an error about %q", err, c.want)
			}
			if strings.Contains(err.Error(), strings.TrimPrefix(secret, "whsec_")) {
				t.Fatalf("error holds the secret: %v", err)
			}
		})
	}
	if _, err := notify.New(nil, notify.Config{}); err == nil {
		t.Fatal("New without a store: no error")
	}
}

func TestEndpointNameHidesCredentials(t *testing.T) {
	clk := testkit.NowClock()
	s := testkit.Bolt(t)
	n := newNotifier(t, s, clk, notify.Config{Endpoints: []notify.Endpoint{
		{URL: "https://user:pw@app.test/hooks?token=t0ps3cret#frag", Secret: secret},
	}})
	if err := n.Enqueue(ctx(t), "acme", notify.GrantCreated, nil); err != nil {
		t.Fatal(err)
	}
	p := onlyNotification(t, s, store.NotificationPending)
	if p.Target != "https://app.test/hooks" {
		t.Fatalf("target = %q, want the URL without credentials or query", p.Target)
	}
}

func TestPublishRejectsBadEvents(t *testing.T) {
	clk := testkit.NowClock()
	s := testkit.Bolt(t)
	n := newNotifier(t, s, clk, notify.Config{Endpoints: []notify.Endpoint{{URL: "https://app.test/", Secret: secret}}})
	cases := []struct {
		name string
		ev   notify.Event
	}{
		{"bad tenant", notify.Event{Tenant: "Acme Corp", Type: notify.GrantCreated}},
		{"no type", notify.Event{Tenant: "acme"}},
		{"type with spaces", notify.Event{Tenant: "acme", Type: "grant created"}},
		{"data that is not JSON", notify.Event{Tenant: "acme", Type: notify.GrantCreated, Data: func() {}}},
		{"very long id", notify.Event{ID: strings.Repeat("x", 300), Tenant: "acme", Type: notify.GrantCreated}},
	}
	for _, c := range cases {
		if err := n.Publish(ctx(t), c.ev); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	if ns, _, _ := s.Notifications(ctx(t), store.NotificationPending, store.Page{}); len(ns) != 0 {
		t.Fatalf("refused events were queued: %d", len(ns))
	}
}
