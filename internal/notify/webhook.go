package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// maxRetryAfter bounds how long a receiver's Retry-After can hold a
// notification back.
const maxRetryAfter = time.Hour

// maxDrain is how much of a response body is read, so the connection can
// be reused without reading an unbounded answer.
const maxDrain = 64 << 10

// userAgent names the sender to receivers.
const userAgent = "Lockbox-Webhooks/1"

// newClient returns the webhook client: bounded in time, and following
// no redirect at all, as Standard Webhooks advises, so a request never
// ends up at a host other than the configured one.
func newClient(rt http.RoundTripper, timeout time.Duration) *http.Client {
	if rt == nil {
		rt = http.DefaultTransport.(*http.Transport).Clone()
	}
	return &http.Client{
		Transport:     rt,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// webhookBody is the JSON body of a webhook, as Standard Webhooks shapes
// it. It depends only on the notification, so every attempt sends the
// same bytes.
type webhookBody struct {
	Type      string          `json:"type"`
	Timestamp time.Time       `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
}

// encodeBody returns the body of a webhook for n.
func encodeBody(n store.Notification) ([]byte, error) {
	data := n.Payload
	if len(data) == 0 || string(data) == "null" {
		data = json.RawMessage("{}")
	}
	return json.Marshal(webhookBody{Type: n.Event, Timestamp: n.CreatedAt.UTC(), Data: data})
}

// sendWebhook makes one attempt to deliver n to its endpoint.
func (n *Notifier) sendWebhook(ctx context.Context, note store.Notification) error {
	ep := n.endpoints[note.Target]
	if ep == nil {
		// Perhaps configured on another instance, or after a reload: retry.
		return fmt.Errorf("webhook endpoint %q is not configured here", note.Target)
	}
	body, err := encodeBody(note)
	if err != nil {
		return Permanent(fmt.Errorf("encode webhook body: %w", err))
	}
	req, err := ep.request(ctx, note.ID, n.now(), body)
	if err != nil {
		return Permanent(err)
	}
	resp, err := n.client.Do(req)
	if err != nil {
		return requestError(err)
	}
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
		_ = resp.Body.Close()
	}()
	return n.checkResponse(resp)
}

// request returns the signed POST of body to ep.
func (ep *endpoint) request(ctx context.Context, id string, at time.Time, body []byte) (*http.Request, error) {
	sig, err := ep.wh.Sign(id, at, body)
	if err != nil {
		return nil, fmt.Errorf("sign webhook: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set(standardwebhooks.HeaderWebhookID, id)
	req.Header.Set(standardwebhooks.HeaderWebhookTimestamp, strconv.FormatInt(at.Unix(), 10))
	req.Header.Set(standardwebhooks.HeaderWebhookSignature, sig)
	return req, nil
}

// requestError describes a request that got no answer. The URL, which
// may hold credentials, is left out.
func requestError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return errors.New("no answer in time")
		}
		err = ue.Err
	}
	return fmt.Errorf("request failed: %w", err)
}

// checkResponse turns the receiver's answer into nil (delivered), a
// permanent failure, or a failure to retry, perhaps not before a time the
// receiver asked for.
func (n *Notifier) checkResponse(resp *http.Response) error {
	code := resp.StatusCode
	status := fmt.Sprintf("receiver answered %d %s", code, http.StatusText(code))
	switch {
	case code >= 200 && code < 300:
		return nil
	case code >= 300 && code < 400:
		return fmt.Errorf("%s; webhooks follow no redirects, so the endpoint URL needs updating", status)
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests:
	case code >= 400 && code < 500:
		return Permanent(errors.New(status))
	}
	return &retryLater{err: errors.New(status), after: n.retryAfter(resp.Header.Get("Retry-After"))}
}

// retryAfter is how long a Retry-After header asks to wait, bounded; 0
// if it asks nothing sensible.
func (n *Notifier) retryAfter(h string) time.Duration {
	if h == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(h, 10, 64); err == nil {
		return time.Duration(min(max(secs, 0), int64(maxRetryAfter/time.Second))) * time.Second
	}
	if at, err := http.ParseTime(h); err == nil {
		return min(max(at.Sub(n.now()), 0), maxRetryAfter)
	}
	return 0
}
