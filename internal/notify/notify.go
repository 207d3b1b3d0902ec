// Package notify tells the vendor's app and tenant admins what happened.
// Publishing an event writes one notification per receiver into the
// store's outbox; a worker (Run) claims due notifications, sends them and
// settles each, retrying with backoff until it is delivered or too old.
// Nothing is lost across restarts or failing receivers, and a receiver
// sees each notification under one stable id however often it is sent.
//
// Webhooks follow Standard Webhooks (https://www.standardwebhooks.com):
// a JSON body {"type", "timestamp", "data"} signed with the endpoint's
// secret in the webhook-id, webhook-timestamp and webhook-signature
// headers. Email is plugged in through Recipients and Deliverer.
package notify

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Kinds of notification.
const (
	KindWebhook = "webhook"
	KindEmail   = "email"
)

// Defaults of Config.
const (
	DefaultConcurrency = 8
	DefaultTimeout     = 15 * time.Second
	DefaultLease       = 2 * time.Minute
	DefaultPoll        = 2 * time.Second
	DefaultMaxAge      = 72 * time.Hour
)

// DefaultBackoff is the delay after each failed attempt; the last repeats.
var DefaultBackoff = []time.Duration{
	5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute,
	time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
}

// Config configures a Notifier. Zero fields take their defaults.
type Config struct {
	// Endpoints receive every event as a webhook.
	Endpoints []Endpoint
	// Recipients tells whom to email about an event; nil sends no email.
	Recipients Recipients
	// Email sends the email notifications; required with Recipients.
	Email Deliverer

	// Concurrency bounds the deliveries in flight (DefaultConcurrency).
	Concurrency int
	// Timeout bounds one delivery attempt (DefaultTimeout).
	Timeout time.Duration
	// Lease is how long a claimed notification is kept from other workers
	// (DefaultLease); it must exceed Timeout.
	Lease time.Duration
	// Poll is how often the worker looks for due notifications
	// (DefaultPoll); events published through this Notifier wake it at once.
	Poll time.Duration
	// Backoff is the delay after each failed attempt, the last repeating,
	// each plus up to a fifth of random jitter (DefaultBackoff).
	Backoff []time.Duration
	// MaxAge is how long after its event a notification is given up if
	// it is still not delivered (DefaultMaxAge).
	MaxAge time.Duration
	// Transport sends the webhook requests (a clone of
	// http.DefaultTransport), e.g. through an egress proxy.
	Transport http.RoundTripper
	// Now is the clock (time.Now).
	Now func() time.Time
	// Logger logs deliveries and failures (none).
	Logger *zap.Logger
}

// Notifier publishes events into the outbox and, in Run, sends them.
type Notifier struct {
	outbox    store.Outbox
	cfg       Config
	endpoints map[string]*endpoint // by name
	client    *http.Client
	log       *zap.Logger
	kick      chan struct{}
}

// New returns a Notifier writing to and sending from outbox. It checks
// the configuration, including every endpoint's URL and secret, and
// contacts nothing.
func New(outbox store.Outbox, cfg Config) (*Notifier, error) {
	if outbox == nil {
		return nil, errors.New("notify: no store")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	var eps map[string]*endpoint
	cfg.Endpoints, eps, err = newEndpoints(cfg.Endpoints)
	if err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	return &Notifier{
		outbox:    outbox,
		cfg:       cfg,
		endpoints: eps,
		client:    newClient(cfg.Transport, cfg.Timeout),
		log:       cfg.Logger,
		kick:      make(chan struct{}, 1),
	}, nil
}

// withDefaults fills in zero fields and rejects impossible ones.
func (c Config) withDefaults() (Config, error) {
	if (c.Recipients == nil) != (c.Email == nil) {
		return c, errors.New("email needs both recipients and a sender")
	}
	c.Concurrency = orDefault(c.Concurrency, DefaultConcurrency)
	c.Timeout = orDefault(c.Timeout, DefaultTimeout)
	c.Lease = orDefault(c.Lease, DefaultLease)
	c.Poll = orDefault(c.Poll, DefaultPoll)
	c.MaxAge = orDefault(c.MaxAge, DefaultMaxAge)
	if len(c.Backoff) == 0 {
		c.Backoff = DefaultBackoff
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = zap.NewNop()
	}
	switch {
	case c.Concurrency < 0 || c.Timeout < 0 || c.Lease < 0 || c.Poll < 0 || c.MaxAge < 0:
		return c, errors.New("negative concurrency, timeout, lease, poll or max age")
	case c.Lease <= c.Timeout:
		return c, fmt.Errorf("lease %s must be longer than the timeout %s", c.Lease, c.Timeout)
	case c.Concurrency > store.MaxPageSize:
		return c, fmt.Errorf("concurrency above %d", store.MaxPageSize)
	}
	for _, d := range c.Backoff {
		if d <= 0 {
			return c, errors.New("backoff delays must be positive")
		}
	}
	return c, nil
}

// orDefault returns v, or def if v is zero.
func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// now reads the clock, in UTC.
func (n *Notifier) now() time.Time { return n.cfg.Now().UTC() }

// nudge wakes the worker, if it is idle, to look for due notifications.
func (n *Notifier) nudge() {
	select {
	case n.kick <- struct{}{}:
	default:
	}
}
