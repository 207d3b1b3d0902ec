package notify

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// The known-answer vector of the Standard Webhooks libraries' tests.
const (
	kaSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	kaID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	kaTimestamp = 1614265330
	kaPayload   = `{"test": 2432232314}`
	kaSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignatureKnownAnswer(t *testing.T) {
	for _, secret := range []string{kaSecret, strings.TrimPrefix(kaSecret, "whsec_")} {
		ep, err := newEndpoint(Endpoint{URL: "https://app.test/hooks", Secret: secret})
		if err != nil {
			t.Fatalf("newEndpoint: %v", err)
		}
		req, err := ep.request(context.Background(), kaID, time.Unix(kaTimestamp, 0), []byte(kaPayload))
		if err != nil {
			t.Fatalf("request: %v", err)
		}
		want := map[string]string{
			"webhook-id":        kaID,
			"webhook-timestamp": "1614265330",
			"webhook-signature": kaSignature,
			"content-type":      "application/json",
		}
		for k, v := range want {
			if got := req.Header.Get(k); got != v {
				t.Fatalf("%s = %q, want %q", k, got, v)
			}
		}
	}
}

func TestBodyIsStable(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 5, 600, time.UTC)
	cases := []struct {
		name    string
		payload string
		want    string
	}{
		{"data", `{"tenant":"acme"}`, `{"type":"grant.created","timestamp":"2030-01-02T03:04:05.0000006Z","data":{"tenant":"acme"}}`},
		{"no data", ``, `{"type":"grant.created","timestamp":"2030-01-02T03:04:05.0000006Z","data":{}}`},
		{"null data", `null`, `{"type":"grant.created","timestamp":"2030-01-02T03:04:05.0000006Z","data":{}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := store.Notification{Event: GrantCreated, CreatedAt: at, Payload: []byte(c.payload)}
			got, err := encodeBody(n)
			if err != nil || string(got) != c.want {
				t.Fatalf("body = %s, %v; want %s", got, err, c.want)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	n := &Notifier{cfg: Config{Now: func() time.Time { return now }}}
	cases := []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"120", 2 * time.Minute},
		{"-5", 0},
		{"99999999999999", maxRetryAfter},
		{now.Add(10 * time.Minute).Format(http.TimeFormat), 10 * time.Minute},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"soon", 0},
	}
	for _, c := range cases {
		if got := n.retryAfter(c.header); got != c.want {
			t.Errorf("retryAfter(%q) = %s, want %s", c.header, got, c.want)
		}
	}
}

func TestNextAttemptBackoff(t *testing.T) {
	t0 := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	cfg, err := Config{}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	n := &Notifier{cfg: cfg}
	note := store.Notification{CreatedAt: t0}
	var total time.Duration
	for attempt := 1; ; attempt++ {
		note.Attempts = attempt
		now := t0.Add(total)
		next, ok := n.nextAttempt(note, context.DeadlineExceeded, now)
		if !ok {
			if total < 48*time.Hour {
				t.Fatalf("gave up after %d attempts over %s", attempt, total)
			}
			return
		}
		base := DefaultBackoff[min(attempt, len(DefaultBackoff))-1]
		if d := next.Sub(now); d < base || d > base+base/5 {
			t.Fatalf("attempt %d: next in %s, want %s plus up to a fifth", attempt, d, base)
		}
		if next.After(t0.Add(DefaultMaxAge)) {
			t.Fatalf("attempt %d scheduled past the max age", attempt)
		}
		total = next.Sub(t0)
	}
}
