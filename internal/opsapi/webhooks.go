package opsapi

import (
	"errors"
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/problem"
)

// webhookTest answers POST /lockbox/webhooks/test.
type webhookTest struct {
	// Endpoints is how many webhook endpoints the event goes to.
	Endpoints int `json:"endpoints"`
	// EventID is the event's id; each endpoint gets its own webhook-id.
	EventID string `json:"event_id"`
}

// WithNotifier lets the API send test events through n.
func WithNotifier(n *notify.Notifier) Option {
	return func(h *Handler) { h.notifier = n }
}

// testWebhooks queues a lockbox.test event for every webhook endpoint.
// Delivery happens in the background, with retries, like any event's;
// the answer says only that it is queued.
func (h *Handler) testWebhooks(w http.ResponseWriter, r *http.Request) error {
	if err := httpjson.NoQuery(r); err != nil {
		return err
	}
	// No fields are taken; a body, if any, must be an empty object.
	if err := (httpjson.Body{Optional: true}).Decode(w, r, &struct{}{}); err != nil {
		return err
	}
	if h.notifier == nil {
		return errNoWebhooks
	}
	n, id, err := h.notifier.PublishTest(r.Context())
	switch {
	case errors.Is(err, notify.ErrNoEndpoints):
		return errNoWebhooks
	case err != nil:
		return problem.Store(err)
	}
	return h.resp.Reply(w, r, http.StatusAccepted, webhookTest{Endpoints: n, EventID: id})
}

var errNoWebhooks = problem.New(problem.Conflict, "no_webhooks",
	"no webhook endpoints are configured: add one with webhook <url> in the lockbox global options")
