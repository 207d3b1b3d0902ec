package opsapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/opsapi"
)

// hook is one webhook a receiver accepted.
type hook struct {
	id   string
	body []byte
}

// hookReceiver is a webhook endpoint that accepts only requests signed
// with secret, and hands each to the test.
func hookReceiver(t *testing.T, secret string) (*httptest.Server, <-chan hook) {
	t.Helper()
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan hook, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err == nil {
			err = wh.Verify(body, r.Header)
		}
		if err != nil {
			t.Errorf("webhook fails verification: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		got <- hook{id: r.Header.Get("webhook-id"), body: body}
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

// webhooksEnv serves the API with a running notifier over a fresh env.
func webhooksEnv(t *testing.T, eps ...notify.Endpoint) *env {
	t.Helper()
	e, _ := newBoltEnv(t)
	n, err := notify.New(e.store, notify.Config{Endpoints: eps, Poll: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	stop := n.Start()
	t.Cleanup(stop) // runs before the env closes the store
	e.serve(opsapi.WithNotifier(n))
	return e
}

// testAnswer is the answer of POST /lockbox/webhooks/test.
type testAnswer struct {
	Endpoints int    `json:"endpoints"`
	EventID   string `json:"event_id"`
}

func TestWebhookTestIsDelivered(t *testing.T) {
	secret := notify.NewSecret()
	srv, got := hookReceiver(t, secret)
	e := webhooksEnv(t, notify.Endpoint{Name: "app", URL: srv.URL + "/hooks", Secret: secret})

	var a testAnswer
	e.call(http.MethodPost, "/lockbox/webhooks/test", "", http.StatusAccepted, &a)
	if a.Endpoints != 1 || a.EventID == "" {
		t.Fatalf("answer %+v", a)
	}
	select {
	case h := <-got:
		var body struct {
			Type string          `json:"type"`
			Data notify.TestData `json:"data"`
		}
		if err := json.Unmarshal(h.body, &body); err != nil || body.Type != notify.TestEvent || body.Data.Message == "" || h.id == "" {
			t.Fatalf("webhook %s %s: %v", h.id, h.body, err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no webhook arrived")
	}
	e.call(http.MethodPost, "/lockbox/webhooks/test", "{}", http.StatusAccepted, &a)
}

func TestWebhookTestRefused(t *testing.T) {
	e := webhooksEnv(t)
	e.callError(http.MethodPost, "/lockbox/webhooks/test", "", http.StatusConflict, "no_webhooks")
	e.callError(http.MethodPost, "/lockbox/webhooks/test", `{"tenant":"acme"}`, http.StatusBadRequest, "invalid_json")
	e.callError(http.MethodPost, "/lockbox/webhooks/test?endpoint=app", "", http.StatusBadRequest, "invalid_query")
	e.callError(http.MethodGet, "/lockbox/webhooks/test", "", http.StatusMethodNotAllowed, "method_not_allowed")

	bare, _ := newBoltEnv(t)
	bare.callError(http.MethodPost, "/lockbox/webhooks/test", "", http.StatusConflict, "no_webhooks")
}
