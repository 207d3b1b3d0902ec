package cli

import (
	"errors"
	"testing"
)

func TestSendTestWebhook(t *testing.T) {
	c, f, out := newFake(map[string]answer{"POST /lockbox/webhooks/test": {202, `{"endpoints":2,"event_id":"evt_1"}`}})
	if err := c.SendTestWebhook(WebhookTestOptions{}); err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "POST", "/lockbox/webhooks/test", "")
	want := "Queued a lockbox.test event (evt_1) for 2 webhook endpoints. It is sent signed like any event, and retried until accepted.\n"
	if out.String() != want {
		t.Fatalf("output %q", out)
	}
}

func TestSendTestWebhookJSON(t *testing.T) {
	c, _, out := newFake(map[string]answer{"POST /lockbox/webhooks/test": {202, `{"endpoints":1,"event_id":"evt_1"}`}})
	if err := c.SendTestWebhook(WebhookTestOptions{JSON: true}); err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"endpoints\": 1,\n  \"event_id\": \"evt_1\"\n}\n"; out.String() != want {
		t.Fatalf("output %q", out)
	}
}

func TestSendTestWebhookWithoutEndpoints(t *testing.T) {
	c, _, out := newFake(map[string]answer{"POST /lockbox/webhooks/test": {409, `{"error":{"code":"no_webhooks","message":"no webhook endpoints are configured"}}`}})
	err := c.SendTestWebhook(WebhookTestOptions{})
	var e *APIError
	if !errors.As(err, &e) || e.Code != "no_webhooks" || Line(err) != "lockbox: no webhook endpoints are configured" || out.Len() != 0 {
		t.Fatalf("err = %v, output %q", err, out)
	}
}
