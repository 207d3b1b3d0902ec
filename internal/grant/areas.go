package grant

import (
	"slices"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/problem"
)

// CanonicalAreas checks area names by their form and returns them sorted,
// without duplicates; nil for none, which means the whole app. Whether the
// site configures them is for the caller, which knows the site.
func CanonicalAreas(names []string) ([]string, error) {
	if len(names) == 0 {
		return nil, nil
	}
	if len(names) > policy.MaxAreas {
		return nil, problem.New(problem.Invalid, "invalid_area", "too many areas (%d, at most %d)", len(names), policy.MaxAreas)
	}
	for _, n := range names {
		if err := policy.ValidateAreaName(n); err != nil {
			return nil, err
		}
	}
	out := slices.Clone(names)
	slices.Sort(out)
	return slices.Compact(out), nil
}

// CheckAreas checks the areas asked for against the site's configured
// areas and, when allowed is not empty (an admin link that carries
// areas), requires a non-empty subset of allowed: such an admin may not
// grant the whole app or other areas.
func CheckAreas(asked []string, configured policy.Areas, allowed []string) error {
	if n := configured.Unknown(asked); n != "" {
		return problem.New(problem.Invalid, "unknown_area", "%q is not an area of this site; known areas: %s", clipName(n), known(configured))
	}
	if len(allowed) == 0 {
		return nil
	}
	if len(asked) == 0 {
		return problem.New(problem.Forbidden, "areas_not_allowed", "you may grant access only to: %s; choose at least one", strings.Join(allowed, ", "))
	}
	for _, a := range asked {
		if !slices.Contains(allowed, a) {
			return problem.New(problem.Forbidden, "areas_not_allowed", "you may grant access only to: %s", strings.Join(allowed, ", "))
		}
	}
	return nil
}

// known lists the configured area names for a message.
func known(as policy.Areas) string {
	if len(as) == 0 {
		return "none"
	}
	return strings.Join(as.Names(), ", ")
}

// clipName shortens a client-sent name for a message.
func clipName(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
