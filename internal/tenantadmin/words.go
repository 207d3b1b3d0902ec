package tenantadmin

import (
	"errors"
	"fmt"

	"github.com/lockbox-gw/lockbox/internal/grant"
)

// ParseRules reads the admin roles and grant lengths as configured, such
// as "7d", "36h" and Standing, into checked Rules with defaults applied.
// Lengths without Standing refuse standing grants; Standing alone is an
// error, as it would leave admins no length to choose.
func ParseRules(roles, durations []string) (Rules, error) {
	r := Rules{Roles: roles, NoStanding: len(durations) > 0}
	for _, word := range durations {
		if word == Standing {
			r.NoStanding = false
			continue
		}
		d, err := grant.ParseDuration(word)
		if err != nil {
			return r, fmt.Errorf("grant_durations: %v", err)
		}
		r.Durations = append(r.Durations, d)
	}
	if len(durations) > 0 && len(r.Durations) == 0 {
		return r, errors.New("grant_durations needs at least one length, such as 7d, besides standing")
	}
	return r.Normalized()
}
