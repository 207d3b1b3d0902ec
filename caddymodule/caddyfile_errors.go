package caddymodule

import (
	"errors"
	"fmt"
	"strings"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/lockbox-gw/lockbox/internal/siteconfig"
)

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

// at returns the token of the word err names (a siteconfig.WordError).
func (w wordLines) at(err error) (*siteconfig.WordError, caddyfile.Token, bool) {
	var we *siteconfig.WordError
	if !errors.As(err, &we) {
		return nil, caddyfile.Token{}, false
	}
	tok, ok := w[[2]string{we.Word, we.Key}]
	return we, tok, ok
}

// place returns err at the line of the word it names, in Caddy's form
// ("..., at Caddyfile:12"), or else at d's current line.
func (w wordLines) place(err error, d *caddyfile.Dispenser) error {
	if _, tok, ok := w.at(err); ok {
		at := caddyfile.NewDispenser([]caddyfile.Token{tok})
		at.Next()
		return at.Err(err.Error())
	}
	return d.Err(err.Error())
}

// lead returns err (nil stays nil) leading with where it is:
// "Caddyfile:12: api_key: ...", so the cause reads first even inside
// Caddy's chain of wrapping messages.
func (w wordLines) lead(err error) error {
	we, tok, ok := w.at(err)
	if !ok {
		return err
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, we.Word) {
		msg = we.Word + ": " + msg
	}
	return fmt.Errorf("%s:%d: %s", tok.File, tok.Line, msg)
}
