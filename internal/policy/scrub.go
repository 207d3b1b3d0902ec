// Package policy holds the per-request rules Lockbox applies in front of an
// app: deleting client-sent identity headers, refusing ambiguous paths,
// deny rules and the write scope. It is pure logic: no store, no Caddy.
package policy

import (
	"net/http"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/problem"
)

// DefaultPrefix starts the names of the headers Lockbox sends upstream.
const DefaultPrefix = "X-Lockbox-"

// defaultFolded is DefaultPrefix folded, so the zero Scrubber allocates
// nothing.
const defaultFolded = "x-lockbox-"

// Scrubber deletes client-sent headers that could pass for the ones Lockbox
// injects. Its zero value uses DefaultPrefix.
type Scrubber struct {
	prefix string // lowercase, with '-' for '_' and '.'
}

// NewScrubber returns a Scrubber for prefix (DefaultPrefix when empty). The
// prefix may hold ASCII letters, digits, '-', '_' and '.'.
func NewScrubber(prefix string) (*Scrubber, error) {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	if len(prefix) > 64 || strings.TrimFunc(prefix, isNameRune) != "" {
		return nil, problem.New(problem.Invalid, "invalid_header_prefix",
			"invalid header prefix %q: use up to 64 ASCII letters, digits, '-', '_' or '.'", clip(prefix))
	}
	return &Scrubber{prefix: foldName(prefix)}, nil
}

// Prefix returns the folded prefix the Scrubber matches: lowercase, with
// '-' in place of '_' and '.'.
func (s *Scrubber) Prefix() string {
	if s.prefix == "" {
		return defaultFolded
	}
	return s.prefix
}

// Scrub deletes every header whose name starts with the prefix, compared
// case-insensitively with '_' and '.' read as '-' (servers and frameworks
// disagree on those). It also drops such names from Connection, where a
// client could list them to have the proxy strip the headers Lockbox sets.
// It returns how many names it removed and allocates only when it removes
// a Connection token.
func (s *Scrubber) Scrub(h http.Header) (removed int) {
	p := s.Prefix()
	for name := range h {
		if hasFoldedPrefix(name, p) {
			delete(h, name)
			removed++
		}
	}
	if v, ok := h["Connection"]; ok {
		removed += scrubConnection(h, v, p)
	}
	return removed
}

// Names reports whether any name in h starts with the prefix, compared as
// in Scrub. Given a request's declared trailers (r.Trailer before the body
// is read) it tells whether the client means to send an identity header
// as a trailer. It does not allocate.
func (s *Scrubber) Names(h http.Header) bool {
	p := s.Prefix()
	for name := range h {
		if hasFoldedPrefix(name, p) {
			return true
		}
	}
	return false
}

// Lists reports whether a comma-separated token of values, such as a
// Trailer header's, starts with the prefix, compared as in Scrub. It does
// not allocate.
func (s *Scrubber) Lists(values []string) bool { return anyToken(values, s.Prefix()) }

// StripMethodOverride deletes the headers some frameworks read to replace
// the request method, so a POST cannot act as a DELETE behind the policy's
// back. Names compare as in Scrub.
func StripMethodOverride(h http.Header) {
	for name := range h {
		if isMethodOverride(name) {
			delete(h, name)
		}
	}
}
