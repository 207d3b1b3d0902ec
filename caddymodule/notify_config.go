package caddymodule

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/notify/email"
)

// Webhook is a receiver of every support-access event, as a Standard
// Webhooks POST.
type Webhook struct {
	// URL receives the POST requests: an absolute http or https URL.
	// Placeholders are replaced when the config is loaded.
	URL string `json:"url,omitempty"`

	// Secret signs every request: "whsec_" and the base64 of 24 to 64
	// random bytes. Required. Placeholders such as
	// {env.LOCKBOX_WEBHOOK_SECRET} are replaced when the config is loaded.
	Secret string `json:"secret,omitempty"`
}

// SMTP is the server that emails tenant admins.
type SMTP struct {
	// Address is the server's host:port; the port may be left out, then
	// it follows TLS (587, 465 or 25).
	Address string `json:"address,omitempty"`

	// Username and Password log in with SMTP AUTH; give both or neither.
	// Placeholders are replaced when the config is loaded.
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`

	// From is the sender, such as "Support Access <support@example.com>".
	// Required.
	From string `json:"from,omitempty"`

	// TLS is "starttls" (default), "tls" (implicit TLS, usually port 465)
	// or "none" (only to a loopback host, such as a local relay).
	TLS string `json:"tls,omitempty"`
}

// resolve replaces the placeholders of w and checks it. Errors name the
// webhook by its position, never by its URL or secret.
func (w Webhook) resolve(repl *caddy.Replacer, i int) (notify.Endpoint, error) {
	raw := repl.ReplaceKnown(w.URL, "")
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return notify.Endpoint{}, fmt.Errorf("webhook %d: url must be an absolute http or https URL (is its environment variable set?)", i+1)
	}
	secret := repl.ReplaceKnown(w.Secret, "")
	if _, err := notify.ParseSecret(secret); err != nil {
		return notify.Endpoint{}, fmt.Errorf("webhook %d (%s): %v", i+1, displayURL(u), err)
	}
	return notify.Endpoint{URL: raw, Secret: secret}, nil
}

// displayURL is u without credentials, query or fragment, which may hold
// secrets.
func displayURL(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String()
}

// resolve replaces the placeholders of s and returns the sender's config,
// checked. Errors never mention the password.
func (s SMTP) resolve(repl *caddy.Replacer) (email.Config, error) {
	host, port, err := email.SplitAddress(repl.ReplaceKnown(s.Address, ""))
	if err != nil {
		return email.Config{}, err
	}
	c := email.Config{
		Host: host, Port: port,
		Username: repl.ReplaceKnown(s.Username, ""),
		Password: repl.ReplaceKnown(s.Password, ""),
		From:     repl.ReplaceKnown(s.From, ""),
		TLS:      s.TLS,
	}
	if s.Password != "" && c.Password == "" {
		return email.Config{}, errors.New("smtp password is empty once placeholders are replaced (is its environment variable set?)")
	}
	if err := c.Validate(); err != nil {
		return email.Config{}, err
	}
	return c, nil
}

// backoff returns the configured retry delays, nil for the notifier's
// default.
func backoff(ds []caddy.Duration) ([]time.Duration, error) {
	var out []time.Duration
	for _, d := range ds {
		if d <= 0 {
			return nil, errors.New("notify_backoff delays must be positive")
		}
		out = append(out, time.Duration(d))
	}
	return out, nil
}

// errSMTPFrom refuses an smtp block without a sender.
var errSMTPFrom = errors.New(`smtp needs a from line with the sender, such as from "Support Access <support@example.com>"`)

// errSMTPTLS refuses an unknown tls mode.
func errSMTPTLS(mode string) error {
	return fmt.Errorf("smtp tls %q is unknown: use starttls, tls or none", clip(mode))
}
