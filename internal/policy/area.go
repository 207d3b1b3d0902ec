package policy

import (
	"regexp"
	"slices"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/problem"
)

// CodeOutsideAreas: the path is outside every area the grant covers.
const CodeOutsideAreas = "outside_areas"

// MaxAreas caps how many areas a site names and a grant lists.
const MaxAreas = 64

var areaName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// ValidateAreaName refuses a name that is not 1 to 32 lowercase letters,
// digits, "_" or "-", starting with a letter or digit.
func ValidateAreaName(name string) error {
	if !areaName.MatchString(name) {
		return problem.New(problem.Invalid, "invalid_area",
			"invalid area name %q: use 1 to 32 lowercase letters, digits, _ or -, starting with a letter or digit", clip(name))
	}
	return nil
}

// Areas names parts of the app: each name maps to path patterns written
// and matched like deny rule patterns (Caddy's path matcher, ignoring case).
type Areas map[string][]string

// ParseArea validates one area: its name and at least one pattern.
func ParseArea(name string, patterns []string) error {
	if err := ValidateAreaName(name); err != nil {
		return err
	}
	if len(patterns) == 0 {
		return problem.New(problem.Invalid, "invalid_area", "area %s needs at least one path pattern, such as /%s*", name, name)
	}
	for _, p := range patterns {
		if reason := patternProblem(p); reason != "" {
			return problem.New(problem.Invalid, "invalid_area", "invalid pattern %q in area %s: %s", clip(p), name, reason)
		}
	}
	return nil
}

// Validate checks every area and their number.
func (as Areas) Validate() error {
	if len(as) > MaxAreas {
		return problem.New(problem.Invalid, "invalid_area", "too many areas (%d, at most %d)", len(as), MaxAreas)
	}
	for _, name := range as.Names() {
		if err := ParseArea(name, as[name]); err != nil {
			return err
		}
	}
	return nil
}

// Names returns the area names, sorted.
func (as Areas) Names() []string {
	names := make([]string, 0, len(as))
	for n := range as {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Unknown returns the first of names that is not a configured area, or "".
func (as Areas) Unknown(names []string) string {
	for _, n := range names {
		if _, ok := as[n]; !ok {
			return n
		}
	}
	return ""
}

// InAreas reports whether cleanPath (from CheckPath) lies in one of the
// named areas. No names means the whole app. A name not configured (the
// site's areas changed since the grant) covers nothing, so it fails closed.
func (as Areas) InAreas(cleanPath string, names []string) bool {
	if len(names) == 0 {
		return true
	}
	lower := strings.ToLower(cleanPath)
	for _, n := range names {
		for _, p := range as[n] {
			if patternMatches(strings.ToLower(p), lower) {
				return true
			}
		}
	}
	return false
}

// DecideAreas refuses a path outside the named areas, naming what the
// grant covers; the zero Decision allows.
func (as Areas) DecideAreas(cleanPath string, names []string) Decision {
	if as.InAreas(cleanPath, names) {
		return Decision{}
	}
	return Decision{Code: CodeOutsideAreas, Message: "This grant covers only: " + strings.Join(names, ", ") +
		". This page is outside those parts of the app, so it was not opened."}
}
