// Package scope parses and combines access scopes: read (always present),
// write (state-changing methods) and pii (personal data unmasked).
package scope

import (
	"slices"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/problem"
)

// The scopes, in canonical order.
const (
	Read  = "read"
	Write = "write"
	PII   = "pii"
)

var all = []string{Read, Write, PII}

// Parse validates names (comma or space separated entries are split) and
// returns them in canonical order, without repeats, with read always
// included.
func Parse(names ...string) ([]string, error) {
	want := map[string]bool{Read: true}
	for _, n := range names {
		for _, s := range strings.FieldsFunc(n, func(r rune) bool { return r == ',' || r == ' ' }) {
			if !slices.Contains(all, s) {
				return nil, problem.New(problem.Invalid, "invalid_scope", "unknown scope %q: use read, write or pii", clip(s))
			}
			want[s] = true
		}
	}
	out := make([]string, 0, len(want))
	for _, s := range all {
		if want[s] {
			out = append(out, s)
		}
	}
	return out, nil
}

// Intersect returns the scopes present in both a and b, in canonical order.
func Intersect(a, b []string) []string {
	var out []string
	for _, s := range all {
		if slices.Contains(a, s) && slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
