package cli

import (
	"fmt"
	"net/http"
)

// WebhookTestOptions are the flags of `lockbox webhooks test`.
type WebhookTestOptions struct {
	JSON bool
}

// webhookTest is the API's answer.
type webhookTest struct {
	Endpoints int    `json:"endpoints"`
	EventID   string `json:"event_id"`
}

// SendTestWebhook queues a lockbox.test event for every configured
// webhook endpoint.
func (c *Client) SendTestWebhook(o WebhookTestOptions) error {
	var w webhookTest
	raw, err := c.call(http.MethodPost, apiBase+"/webhooks/test", nil, &w)
	if err != nil {
		return err
	}
	if o.JSON {
		return c.printJSON(raw)
	}
	_, err = fmt.Fprintf(c.Out, "Queued a lockbox.test event (%s) for %s. It is sent signed like any event, and retried until accepted.\n",
		cell(w.EventID, maxCell), plural(w.Endpoints, "webhook endpoint"))
	return err
}
