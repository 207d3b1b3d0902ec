// Package tenant validates tenant ids, which reach Lockbox from URLs,
// forms and the CLI and end up in store keys.
package tenant

import (
	"regexp"

	"github.com/lockbox-gw/lockbox/internal/problem"
)

var pattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)

// Validate returns a problem unless id is a well-formed tenant id:
// lowercase letters, digits, '.', '_' and '-', starting with a letter or
// digit, at most 63 characters.
func Validate(id string) error {
	if pattern.MatchString(id) {
		return nil
	}
	shown := id
	if len(shown) > 70 {
		shown = shown[:70] + "…"
	}
	return problem.New(problem.Invalid, "invalid_tenant",
		"invalid tenant id %q: use 1 to 63 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit", shown)
}
