package caddymodule

import (
	"errors"
	"fmt"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/lockbox-gw/lockbox/internal/instance"
	"github.com/lockbox-gw/lockbox/internal/notify/email"
)

// unmarshalSMTP parses
//
//	smtp <host:port> {
//		from <address>
//		username <name>
//		password <password>
//		tls starttls|tls|none
//	}
//
// from is required; the password is never echoed in an error.
func (a *App) unmarshalSMTP(d *caddyfile.Dispenser) error {
	if a.SMTP != nil {
		return d.Err("smtp is already set; give it once")
	}
	if !d.NextArg() {
		return d.Err("smtp needs the server's host:port, such as smtp.example.com:587")
	}
	s := &SMTP{Address: d.Val()}
	if d.NextArg() {
		return d.Err("smtp takes exactly one host:port, then a block")
	}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		if err := s.unmarshalLine(d); err != nil {
			return err
		}
	}
	if err := s.check(); err != nil {
		return d.Err(err.Error())
	}
	a.SMTP = s
	return nil
}

// smtpFields are the words of an smtp block and the field each sets.
var smtpFields = map[string]func(*SMTP) *string{
	"from":     func(s *SMTP) *string { return &s.From },
	"username": func(s *SMTP) *string { return &s.Username },
	"password": func(s *SMTP) *string { return &s.Password },
	"tls":      func(s *SMTP) *string { return &s.TLS },
}

// unmarshalLine parses one line of an smtp block.
func (s *SMTP) unmarshalLine(d *caddyfile.Dispenser) error {
	word := d.Val()
	field, ok := smtpFields[word]
	if !ok {
		return d.Errf("unknown smtp option %q: an smtp block takes from, username, password and tls", clip(word))
	}
	if *field(s) != "" {
		return d.Errf("smtp %s is already set; give it once", word)
	}
	if !d.NextArg() {
		return d.Errf("smtp %s needs a value", word)
	}
	*field(s) = d.Val()
	if d.NextArg() {
		return d.Errf("smtp %s takes exactly one value (quote a sender with spaces)", word)
	}
	return noBlock(d, word)
}

// check refuses what can be refused before placeholders are replaced,
// and everything else too when there are none.
func (s *SMTP) check() error {
	if s.From == "" {
		return errors.New(`smtp needs a from line with the sender, such as from "Support Access <support@example.com>"`)
	}
	switch s.TLS {
	case "", email.TLSStartTLS, email.TLSImplicit, email.TLSNone:
	default:
		return fmt.Errorf("smtp tls %q is unknown: use starttls, tls or none", clip(s.TLS))
	}
	if hasPlaceholder(s.Address) || hasPlaceholder(s.From) || hasPlaceholder(s.Username) || hasPlaceholder(s.Password) {
		return nil
	}
	_, err := instance.SMTP(*s).Config()
	return err
}
