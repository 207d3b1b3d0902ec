package request

import (
	"slices"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/scope"
)

// approval checks what d narrows and returns the approval it makes.
func (s *Service) approval(r Request, d Decision) (Approval, error) {
	ap := Approval{By: d.By, At: s.Now(), Scopes: r.Scopes, Duration: r.Duration, Areas: r.Areas}
	asked, err := grant.ParseDuration(r.Duration)
	if err != nil {
		return Approval{}, problem.Store(err)
	}
	if d.Duration != "" {
		v, err := grant.ParseDuration(d.Duration)
		if err != nil {
			return Approval{}, err
		}
		if v > asked || v < grant.MinDuration {
			return Approval{}, problem.New(problem.Invalid, "invalid_duration",
				"an approval may shorten the %s asked for, not lengthen it", r.Duration)
		}
		ap.Duration = grant.FormatDuration(v)
	}
	if r.Extension {
		if d.Scopes != nil || d.Areas != nil {
			return Approval{}, problem.New(problem.Invalid, "extension_keeps_scope",
				"an extension keeps the grant's scopes and areas; approve it or deny it")
		}
		return ap, grant.CheckAreas(r.Areas, s.cfg.Areas, d.AllowedAreas)
	}
	if d.Scopes != nil {
		sc, err := scope.Parse(d.Scopes...)
		if err != nil {
			return Approval{}, err
		}
		if !contains(r.Scopes, sc) {
			return Approval{}, problem.New(problem.Invalid, "scope_widened",
				"an approval may narrow the scopes asked for (%s), not add to them", strings.Join(r.Scopes, ", "))
		}
		ap.Scopes = sc
	}
	if d.Areas != nil {
		if ap.Areas, err = s.narrowAreas(r, d.Areas); err != nil {
			return Approval{}, err
		}
	}
	next := r
	next.Approvals = append(slices.Clone(r.Approvals), ap)
	_, _, areas := outcome(next)
	if len(ap.Areas) > 0 && len(areas) == 0 {
		return Approval{}, problem.New(problem.Conflict, "areas_disjoint",
			"earlier approvals limit this request to other areas; choose among them or deny")
	}
	return ap, grant.CheckAreas(areas, s.cfg.Areas, d.AllowedAreas)
}

// narrowAreas checks areas an approval limits a request to.
func (s *Service) narrowAreas(r Request, names []string) ([]string, error) {
	areas, err := grant.CanonicalAreas(names)
	if err != nil {
		return nil, err
	}
	if err := grant.CheckAreas(areas, s.cfg.Areas, nil); err != nil {
		return nil, err
	}
	if len(r.Areas) > 0 && (len(areas) == 0 || !contains(r.Areas, areas)) {
		return nil, problem.New(problem.Invalid, "areas_widened",
			"an approval may narrow the areas asked for (%s), not add to them", strings.Join(r.Areas, ", "))
	}
	return areas, nil
}

// outcome is what all approvals agree on: the scopes every one allows,
// the shortest duration, and the areas every limiting one allows (none:
// the whole app).
func outcome(r Request) (scopes []string, d time.Duration, areas []string) {
	scopes = r.Scopes
	d, _ = grant.ParseDuration(r.Duration)
	areas = r.Areas
	for _, ap := range r.Approvals {
		scopes = scope.Intersect(scopes, ap.Scopes)
		if v, err := grant.ParseDuration(ap.Duration); err == nil && v < d {
			d = v
		}
		if len(ap.Areas) == 0 {
			continue
		}
		if len(areas) == 0 {
			areas = ap.Areas
			continue
		}
		areas = slices.DeleteFunc(slices.Clone(areas), func(a string) bool { return !slices.Contains(ap.Areas, a) })
	}
	if scopes == nil {
		scopes = []string{scope.Read}
	}
	return scopes, d, areas
}

// Outcome is what the approvals so far agree on, as Approve would grant
// it: scopes, duration ("7d") and areas.
func Outcome(r Request) (scopes []string, duration string, areas []string) {
	sc, d, ar := outcome(r)
	return sc, grant.FormatDuration(d), ar
}
