package email_test

import (
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/notify/email"
)

func TestConfigValidate(t *testing.T) {
	const password = "pw-never-shown"
	valid := email.Config{Host: "smtp.example.com", From: "Support Access <support@example.com>", Username: "mailer", Password: password}
	tests := []struct {
		name   string
		change func(*email.Config)
		want   string // "" for valid
	}{
		{name: "defaults"},
		{name: "bare from address", change: func(c *email.Config) { c.From = "support@example.com" }},
		{name: "implicit tls", change: func(c *email.Config) { c.TLS = email.TLSImplicit; c.Port = 465 }},
		{name: "none to 127.0.0.1", change: func(c *email.Config) { c.Host, c.TLS = "127.0.0.1", email.TLSNone }},
		{name: "none to ::1", change: func(c *email.Config) { c.Host, c.TLS = "::1", email.TLSNone }},
		{name: "none to localhost", change: func(c *email.Config) { c.Host, c.TLS = "localhost", email.TLSNone }},
		{name: "no login", change: func(c *email.Config) { c.Username, c.Password = "", "" }},
		{name: "no host", change: func(c *email.Config) { c.Host = "" }, want: "smtp host is missing"},
		{name: "host with port", change: func(c *email.Config) { c.Host = "smtp.example.com:587" }, want: "give the port separately"},
		{name: "host with scheme", change: func(c *email.Config) { c.Host = "smtp://smtp.example.com" }, want: "not a host name"},
		{name: "host with line break", change: func(c *email.Config) { c.Host = "smtp.example.com\r\n" }, want: "not a host name"},
		{name: "port out of range", change: func(c *email.Config) { c.Port = 70000 }, want: "out of range"},
		{name: "no from", change: func(c *email.Config) { c.From = "" }, want: "from address is missing"},
		{name: "from without domain", change: func(c *email.Config) { c.From = "Support <support>" }, want: "is not an email address"},
		{name: "from unparsable", change: func(c *email.Config) { c.From = "Support Access support@example.com" }, want: "is not an email address"},
		{name: "from with line break", change: func(c *email.Config) { c.From = "support@example.com\r\nBcc: x@y.z" }, want: "is not an email address"},
		{name: "none to a remote host", change: func(c *email.Config) { c.TLS = email.TLSNone }, want: "allowed only to a loopback host"},
		{name: "none to a private address", change: func(c *email.Config) { c.Host, c.TLS = "10.0.0.5", email.TLSNone }, want: "allowed only to a loopback host"},
		{name: "unknown tls", change: func(c *email.Config) { c.TLS = "ssl" }, want: `smtp tls "ssl" is unknown`},
		{name: "password without user", change: func(c *email.Config) { c.Username = "" }, want: "password is set without a username"},
		{name: "user without password", change: func(c *email.Config) { c.Password = "" }, want: "username is set without a password"},
		{name: "negative timeout", change: func(c *email.Config) { c.Timeout = -time.Second }, want: "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid
			if tt.change != nil {
				tt.change(&c)
			}
			err := c.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one saying %q", err, tt.want)
			}
			if strings.Contains(err.Error(), password) {
				t.Fatalf("error shows the password: %v", err)
			}
			if _, err := email.New(c); err == nil {
				t.Fatal("New accepted what Validate refused")
			}
		})
	}
}

func TestAddress(t *testing.T) {
	tests := []struct {
		name, in, wantName string
	}{
		{name: "plain", in: "Bob Admin", wantName: "Bob Admin"},
		{name: "line breaks", in: "Eve\r\nBcc: evil@attacker.example", wantName: "Eve Bcc: evil@attacker.example"},
		{name: "quotes and brackets", in: `"Eve" <eve@x>`, wantName: `"Eve" <eve@x>`},
		{name: "non-ASCII", in: "Zoë Ödegaard", wantName: "Zoë Ödegaard"},
		{name: "empty", in: "", wantName: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := email.Address(tt.in, "bob@acme.example")
			if strings.ContainsAny(s, "\r\n") {
				t.Fatalf("Address = %q has a line break", s)
			}
			a, err := mail.ParseAddress(s)
			if err != nil {
				t.Fatalf("Address = %q does not parse: %v", s, err)
			}
			if a.Name != tt.wantName || a.Address != "bob@acme.example" {
				t.Fatalf("parsed %q <%s>, want %q", a.Name, a.Address, tt.wantName)
			}
		})
	}
}
