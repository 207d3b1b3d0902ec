// Package tenantadmin holds what the app API and the hosted Support
// Access page share about a tenant admin's changes to support access:
// which registered roles may act, which grant lengths are offered, and
// how one impersonation session's trail is read. Both surfaces use it, so
// an admin is offered and refused the same things on either.
package tenantadmin

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/problem"
)

// Standing is the choice of a grant with no expiry, as forms send it.
const Standing = "standing"

// DefaultRoles are the app roles that may change support access.
var DefaultRoles = []string{"owner", "admin"}

// DefaultDurations are the grant lengths offered besides standing.
var DefaultDurations = []time.Duration{24 * time.Hour, 7 * 24 * time.Hour, 28 * 24 * time.Hour}

// Rules say who may change a tenant's support access and what they may
// choose.
type Rules struct {
	// Roles are the registered admin roles that may create and revoke
	// grants; default owner and admin.
	Roles []string
	// Durations are the grant lengths offered; default 1d, 7d and 28d.
	Durations []time.Duration
	// NoStanding refuses standing grants.
	NoStanding bool
}

// Normalized checks r and returns it with defaults filled in, durations
// sorted and without repeats.
func (r Rules) Normalized() (Rules, error) {
	if len(r.Roles) == 0 {
		r.Roles = DefaultRoles
	}
	r.Roles = slices.Clone(r.Roles)
	for _, role := range r.Roles {
		if strings.TrimSpace(role) == "" || strings.IndexFunc(role, unicode.IsControl) >= 0 {
			return Rules{}, fmt.Errorf("admin role %q must be printable and not empty", role)
		}
	}
	if len(r.Durations) == 0 {
		r.Durations = DefaultDurations
	}
	r.Durations = slices.Clone(r.Durations)
	for _, d := range r.Durations {
		if d < grant.MinDuration || d > grant.MaxDuration {
			return Rules{}, fmt.Errorf("grant duration %s is out of range: use %s to %s",
				grant.FormatDuration(d), grant.MinDuration, grant.FormatDuration(grant.MaxDuration))
		}
	}
	slices.Sort(r.Durations)
	r.Durations = slices.Compact(r.Durations)
	return r, nil
}

// RoleAllowed refuses an admin whose role may not change support access.
func (r Rules) RoleAllowed(a admins.Admin) error {
	if slices.Contains(r.Roles, a.Role) {
		return nil
	}
	return problem.New(problem.Forbidden, "role_not_allowed",
		"role %q may not change support access; allowed roles: %s", problem.Clip(a.Role, 80), strings.Join(r.Roles, ", "))
}

// Choice is one grant length offered to admins.
type Choice struct {
	// Duration is the grant's length; zero when Standing.
	Duration time.Duration
	// Standing is the choice of a grant with no expiry.
	Standing bool
}

// Value is the choice as forms and the API send it: "7d" or "standing".
func (c Choice) Value() string {
	if c.Standing {
		return Standing
	}
	return grant.FormatDuration(c.Duration)
}

// Choices lists the offered grant lengths, shortest first, standing last
// unless refused.
func (r Rules) Choices() []Choice {
	out := make([]Choice, 0, len(r.Durations)+1)
	for _, d := range r.Durations {
		out = append(out, Choice{Duration: d})
	}
	if !r.NoStanding {
		out = append(out, Choice{Standing: true})
	}
	return out
}

// ChoiceList names the offered grant lengths for messages, as in
// "1d, 7d, 28d or standing".
func (r Rules) ChoiceList() string {
	var names []string
	for _, c := range r.Choices() {
		names = append(names, c.Value())
	}
	switch len(names) {
	case 0:
		return "nothing"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// Duration returns the grant length asked for if it is one of the
// choices: duration one of the configured lengths ("7d"), or standing
// unless refused. A standing grant's length is zero.
func (r Rules) Duration(duration string, standing bool) (time.Duration, error) {
	switch {
	case standing && duration != "":
		return 0, badDuration("a standing grant has no duration; give one or the other")
	case standing && r.NoStanding:
		return 0, badDuration("standing grants are not offered; choose %s", r.ChoiceList())
	case standing:
		return 0, nil
	case duration == "":
		return 0, badDuration("give a duration (%s)", r.ChoiceList())
	}
	d, err := grant.ParseDuration(duration)
	if err != nil || !slices.Contains(r.Durations, d) {
		return 0, badDuration("duration %q is not offered; choose %s", problem.Clip(duration, 80), r.ChoiceList())
	}
	return d, nil
}

func badDuration(format string, args ...any) error {
	return problem.New(problem.Invalid, "invalid_duration", format, args...)
}
