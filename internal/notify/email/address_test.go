package email_test

import (
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/notify/email"
)

func TestSplitAddress(t *testing.T) {
	for _, c := range []struct {
		name, in, host, err string
		port                int
	}{
		{name: "host and port", in: "smtp.example.com:587", host: "smtp.example.com", port: 587},
		{name: "bare host", in: "smtp.example.com", host: "smtp.example.com"},
		{name: "ipv6", in: "[::1]:25", host: "::1", port: 25},
		{name: "empty", in: "", err: "needs the server's host:port"},
		{name: "port zero", in: "smtp.example.com:0", err: "port must be a number from 1 to 65535"},
		{name: "port too big", in: "smtp.example.com:70000", err: "port must be a number"},
		{name: "port not a number", in: "smtp.example.com:smtp", err: "port must be a number"},
	} {
		t.Run(c.name, func(t *testing.T) {
			host, port, err := email.SplitAddress(c.in)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("SplitAddress(%q) = %q, %d, %v; want error %q", c.in, host, port, err, c.err)
				}
				return
			}
			if err != nil || host != c.host || port != c.port {
				t.Fatalf("SplitAddress(%q) = %q, %d, %v; want %q, %d", c.in, host, port, err, c.host, c.port)
			}
		})
	}
}
