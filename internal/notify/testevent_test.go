package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

func TestPublishTestReachesEveryEndpointAndNoInbox(t *testing.T) {
	clk := testkit.NowClock()
	app, ops := newReceiver(t, clk, nil), newReceiver(t, clk, nil)
	s := testkit.Bolt(t)
	mb := &mailbox{got: make(chan store.Notification, 10)}
	asked := notify.RecipientsFunc(func(context.Context, string, string) ([]string, error) {
		t.Error("a test event asked for email recipients")
		return []string{"ann@acme.test"}, nil
	})
	n := newNotifier(t, s, clk, notify.Config{
		Endpoints:  []notify.Endpoint{app.endpoint("app"), ops.endpoint("ops")},
		Recipients: asked, Email: mb,
	})
	start(t, n)

	count, id, err := n.PublishTest(ctx(t))
	if err != nil || count != 2 || id == "" {
		t.Fatalf("PublishTest = %d, %q, %v", count, id, err)
	}
	for _, rc := range []*receiver{app, ops} {
		testkit.Eventually(t, func() bool { return len(rc.delivered()) == 1 }, "the test event")
		var body struct {
			Type string          `json:"type"`
			Data notify.TestData `json:"data"`
		}
		if err := json.Unmarshal(rc.all()[0].body, &body); err != nil || body.Type != notify.TestEvent || body.Data.Message == "" {
			t.Fatalf("body %s: %v", rc.all()[0].body, err)
		}
	}
	if app.all()[0].id == ops.all()[0].id {
		t.Fatal("two endpoints got one webhook-id")
	}
	if len(mb.got) != 0 {
		t.Fatalf("%d emails for a test event", len(mb.got))
	}
}

func TestPublishTestWithoutEndpoints(t *testing.T) {
	s := testkit.Bolt(t)
	n := newNotifier(t, s, testkit.NowClock(), notify.Config{})
	if count, id, err := n.PublishTest(ctx(t)); !errors.Is(err, notify.ErrNoEndpoints) || count != 0 || id != "" {
		t.Fatalf("PublishTest = %d, %q, %v; want ErrNoEndpoints", count, id, err)
	}
	if ns, _, _ := s.Notifications(ctx(t), store.NotificationPending, store.Page{}); len(ns) != 0 {
		t.Fatalf("queued %+v", ns)
	}
}
