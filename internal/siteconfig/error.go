package siteconfig

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// WordError is a config error about one word, and for a word that may be
// repeated, which one, so a Caddyfile adapter can name the line it is on.
type WordError struct {
	// Word is the config word: session_max, role, deny, area, ...
	Word string
	// Key tells repeated words apart: a role's or an area's name, a deny
	// rule's index; "" for words given once.
	Key string
	// Err is what is wrong.
	Err error
}

// Error returns the message of Err.
func (e *WordError) Error() string { return e.Err.Error() }

// Unwrap returns Err.
func (e *WordError) Unwrap() error { return e.Err }

// wordErr is err about word, or nil.
func wordErr(word, key string, err error) error {
	if err == nil {
		return nil
	}
	return &WordError{Word: word, Key: key, Err: err}
}

// Named is err with the word it is about leading its message, for
// configs that have no Caddyfile lines to point at (JSON): "api_key 2:
// ...", "role support: ...". Other errors are returned as they are.
func Named(err error) error {
	var we *WordError
	if !errors.As(err, &we) || strings.HasPrefix(err.Error(), we.Word) {
		return err
	}
	name := we.Word
	if n, convErr := strconv.Atoi(we.Key); convErr == nil {
		name += " " + strconv.Itoa(n+1)
	} else if we.Key != "" {
		name += " " + we.Key
	}
	return fmt.Errorf("%s: %w", name, err)
}
