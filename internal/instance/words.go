package instance

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/notify/email"
	"github.com/lockbox-gw/lockbox/internal/ratelimit"
	"github.com/lockbox-gw/lockbox/internal/store/redisstore"
)

// Audit modes.
const (
	AuditStrict   = "strict"
	AuditBuffered = "buffered"
)

// Bounds of the audit replicas.
const (
	MaxAuditReplicas        = 16
	defaultAuditReplicaWait = 500 * time.Millisecond
	defaultRedisReadTimeout = 2 * time.Second // redisstore's, when the URL sets none
)

// wait is the resolved wait for replicas.
func (a Audit) wait() time.Duration {
	if a.ReplicaWait > 0 {
		return a.ReplicaWait
	}
	return defaultAuditReplicaWait
}

// check checks the audit words against the storage they apply to and
// reports whether the mode is buffered.
func (a Audit) check(st Storage) (buffered bool, err error) {
	if err := CheckAuditMode(a.Mode); err != nil {
		return false, err
	}
	if a.Replicas == 0 && a.ReplicaWait == 0 {
		return a.Mode == AuditBuffered, nil
	}
	if st.Backend != BackendRedis {
		return false, errors.New("audit_replicas needs the redis storage backend")
	}
	if a.Replicas < 1 || a.Replicas > MaxAuditReplicas {
		return false, fmt.Errorf("audit_replicas must be between 1 and %d", MaxAuditReplicas)
	}
	read := defaultRedisReadTimeout
	if o, err := redisstore.ParseURL(st.URL); err == nil && o.ReadTimeout > 0 {
		read = o.ReadTimeout
	}
	if w := a.wait(); w <= 0 || w >= read {
		return false, fmt.Errorf("audit_replicas timeout must be above 0 and below the redis read timeout (%s)", read)
	}
	return a.Mode == AuditBuffered, nil
}

// CheckAuditMode refuses a mode other than strict, buffered or "".
func CheckAuditMode(mode string) error {
	switch mode {
	case "", AuditStrict, AuditBuffered:
		return nil
	}
	return fmt.Errorf("unknown audit mode %q: use strict or buffered", clip(mode))
}

// Endpoint checks w, the i-th webhook (from 0). Errors name the webhook
// by its position, never by its secret, query or credentials.
func (w Webhook) Endpoint(i int) (notify.Endpoint, error) {
	u, err := url.Parse(w.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return notify.Endpoint{}, fmt.Errorf("webhook %d: url must be an absolute http or https URL (is its environment variable set?)", i+1)
	}
	if _, err := notify.ParseSecret(w.Secret); err != nil {
		return notify.Endpoint{}, fmt.Errorf("webhook %d (%s): %v", i+1, displayURL(u), err)
	}
	return notify.Endpoint{URL: w.URL, Secret: w.Secret}, nil
}

// displayURL is u without credentials, query or fragment, which may hold
// secrets.
func displayURL(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}

// Config returns the sender's config, checked. Errors never mention the
// password.
func (s SMTP) Config() (email.Config, error) {
	host, port, err := email.SplitAddress(s.Address)
	if err != nil {
		return email.Config{}, err
	}
	c := email.Config{Host: host, Port: port, Username: s.Username, Password: s.Password, From: s.From, TLS: s.TLS}
	if err := c.Validate(); err != nil {
		return email.Config{}, err
	}
	return c, nil
}

// config parses the rates; a missing one takes its default.
func (rl RateLimit) config(client func(*http.Request) string) (ratelimit.Config, error) {
	c := ratelimit.Config{Client: client}
	for _, f := range []struct {
		word, v string
		dst     *ratelimit.Rate
	}{{"api_failures", rl.APIFailures, &c.APIFailures}, {"login", rl.Login, &c.Login}, {"requests", rl.Requests, &c.Requests}} {
		if f.v == "" {
			continue
		}
		r, err := ratelimit.Parse(f.v)
		if err != nil {
			return c, fmt.Errorf("rate_limit %s: %v", f.word, err)
		}
		*f.dst = r
	}
	return c, nil
}

// clip shortens a value echoed in an error.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
