package caddymodule

import (
	"fmt"
	"strings"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/lockbox-gw/lockbox/internal/appapi"
)

// lineErr is an adapt-time error that leads with where and what:
// "Caddyfile:12: api_key: ...", so the cause reads first even inside
// Caddy's chain of wrapping messages.
func lineErr(d *caddyfile.Dispenser, word string, err error) error {
	return fmt.Errorf("%s:%d: %s: %v", d.File(), d.Line(), word, err)
}

// checkAPIKey is the app API's rule for keys, stated for the Caddyfile.
// The key is never echoed.
func checkAPIKey(k string) error {
	if len(k) < appapi.MinKeyLen || len(k) > 512 || strings.IndexFunc(k, func(r rune) bool { return r <= ' ' || r > '~' }) >= 0 {
		return fmt.Errorf("the key must be %d to 512 printable characters without spaces (generate one with: openssl rand -base64 32)", appapi.MinKeyLen)
	}
	return nil
}
