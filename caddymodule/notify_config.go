package caddymodule

import (
	"errors"

	"github.com/caddyserver/caddy/v2"

	"github.com/lockbox-gw/lockbox/internal/instance"
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

// resolve replaces the placeholders of s; nil without smtp. Errors never
// mention the password.
func (s *SMTP) resolve(repl *caddy.Replacer) (*instance.SMTP, error) {
	if s == nil {
		return nil, nil
	}
	r := func(v string) string { return repl.ReplaceKnown(v, "") }
	c := &instance.SMTP{Address: r(s.Address), Username: r(s.Username), Password: r(s.Password), From: r(s.From), TLS: s.TLS}
	if s.Password != "" && c.Password == "" {
		return nil, errors.New("smtp password is empty once placeholders are replaced (is its environment variable set?)")
	}
	return c, nil
}
