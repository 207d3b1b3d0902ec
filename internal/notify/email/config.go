package email

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strings"
	"time"
)

// TLS modes of Config.
const (
	// TLSStartTLS connects in plain text and upgrades with STARTTLS before
	// anything else is said; a server without STARTTLS is refused.
	TLSStartTLS = "starttls"
	// TLSImplicit speaks TLS from the first byte (SMTPS, usually port 465).
	TLSImplicit = "tls"
	// TLSNone sends in plain text; allowed only to a loopback host, e.g.
	// a local relay.
	TLSNone = "none"
)

// Defaults of Config.
const (
	DefaultTimeout      = 15 * time.Second
	DefaultPortStartTLS = 587
	DefaultPortTLS      = 465
	DefaultPortNone     = 25
)

// Config says how to reach the SMTP server that relays Lockbox's email.
type Config struct {
	// Host is the server's name or IP address, without a port.
	Host string
	// Port defaults by TLS mode: 587 for starttls, 465 for tls, 25 for
	// none.
	Port int
	// Username and Password log in with SMTP AUTH (PLAIN, else LOGIN);
	// give both or neither.
	Username string
	Password string
	// From is the sender, an RFC 5322 address such as
	// "Support Access <support@example.com>".
	From string
	// TLS is "starttls" (default), "tls" (implicit) or "none" (loopback
	// hosts only).
	TLS string
	// Timeout bounds connecting and each SMTP command. Default 15s.
	Timeout time.Duration
	// TLSConfig, when set, is used for the TLS handshake, e.g. to trust a
	// private CA through RootCAs. ServerName defaults to Host.
	TLSConfig *tls.Config
}

// Validate reports the first problem with c in words an operator can act
// on. It never mentions the password.
func (c Config) Validate() error {
	if err := validateHost(c.Host); err != nil {
		return err
	}
	if c.Port < 0 || c.Port > 65535 {
		return fmt.Errorf("smtp port %d is out of range 1-65535", c.Port)
	}
	if err := validateFrom(c.From); err != nil {
		return err
	}
	if err := validateTLS(c.TLS, c.Host); err != nil {
		return err
	}
	if err := validateLogin(c.Username, c.Password); err != nil {
		return err
	}
	if c.Timeout < 0 {
		return fmt.Errorf("smtp timeout %s is negative", c.Timeout)
	}
	return nil
}

// withDefaults returns c with its empty fields filled in.
func (c Config) withDefaults() Config {
	if c.TLS == "" {
		c.TLS = TLSStartTLS
	}
	if c.Port == 0 {
		c.Port = map[string]int{TLSStartTLS: DefaultPortStartTLS, TLSImplicit: DefaultPortTLS, TLSNone: DefaultPortNone}[c.TLS]
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	return c
}

// addr is host:port for dialing.
func (c Config) addr() string {
	return net.JoinHostPort(c.Host, fmt.Sprint(c.Port))
}

func validateHost(host string) error {
	switch {
	case host == "":
		return errors.New("smtp host is missing")
	case hasControlOrSpace(host) || strings.ContainsAny(host, "/@[]"):
		return fmt.Errorf("smtp host %q is not a host name or IP address", clip(host))
	case strings.Contains(host, ":") && net.ParseIP(host) == nil:
		return fmt.Errorf("smtp host %q includes a port: give the port separately", clip(host))
	}
	return nil
}

func validateFrom(from string) error {
	if from == "" {
		return errors.New(`smtp from address is missing: give one like "Support Access <support@example.com>"`)
	}
	a, err := mail.ParseAddress(from)
	if err != nil || hasControl(from) || !strings.Contains(a.Address, "@") {
		return fmt.Errorf(`smtp from %q is not an email address like "Support Access <support@example.com>"`, clip(from))
	}
	return nil
}

func validateTLS(mode, host string) error {
	switch mode {
	case "", TLSStartTLS, TLSImplicit:
		return nil
	case TLSNone:
		if !isLoopback(host) {
			return fmt.Errorf("smtp tls none would send mail and password unencrypted to %q: it is allowed only to a loopback host (localhost, 127.0.0.1, ::1); use starttls or tls", clip(host))
		}
		return nil
	}
	return fmt.Errorf("smtp tls %q is unknown: use starttls, tls or none", clip(mode))
}

func validateLogin(user, password string) error {
	switch {
	case user == "" && password != "":
		return errors.New("smtp password is set without a username")
	case user != "" && password == "":
		return errors.New("smtp username is set without a password")
	case hasControl(user):
		return errors.New("smtp username contains control characters")
	}
	return nil
}

// isLoopback reports whether host names this machine without DNS: the
// name localhost or a loopback IP.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func hasControlOrSpace(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f })
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
