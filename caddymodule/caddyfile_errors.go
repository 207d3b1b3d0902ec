package caddymodule

import (
	"errors"
	"fmt"
	"strings"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/lockbox-gw/lockbox/internal/appapi"
	"github.com/lockbox-gw/lockbox/internal/siteconfig"
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

// wordLines are where the words of a block are, so an error found once
// the whole block is read names the line of the word at fault.
type wordLines map[[2]string]caddyfile.Token

// note records tok as where word (key: which one of a repeated word) is
// given first.
func (w wordLines) note(tok caddyfile.Token, word, key string) {
	k := [2]string{word, key}
	if _, ok := w[k]; !ok {
		w[k] = tok
	}
}

// place returns err at the line of the word it names (a
// siteconfig.WordError), or else at d's current line.
func (w wordLines) place(err error, d *caddyfile.Dispenser) error {
	var we *siteconfig.WordError
	if errors.As(err, &we) {
		if tok, ok := w[[2]string{we.Word, we.Key}]; ok {
			at := caddyfile.NewDispenser([]caddyfile.Token{tok})
			at.Next()
			return at.Err(err.Error())
		}
	}
	return d.Err(err.Error())
}
