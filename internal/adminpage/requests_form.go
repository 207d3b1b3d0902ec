package adminpage

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/scope"
)

// decision reads the approve form of req: a duration among those
// offered, and, unless req is an extension, the scopes beyond read and
// the areas kept. The admin's link limits the areas they may grant.
func (h *Handler) decision(a *admin, req request.Request, f url.Values) (request.Decision, error) {
	d := request.Decision{By: a.actor, AllowedAreas: a.session.Areas}
	fields, err := single(f, "duration")
	if err != nil {
		return request.Decision{}, err
	}
	if d.Duration, err = h.approvedDuration(req, fields["duration"]); err != nil {
		return request.Decision{}, err
	}
	if req.Extension {
		return d, nil // it keeps the grant's scopes and areas
	}
	if d.Scopes, err = scope.Parse(f["scope"]...); err != nil {
		return request.Decision{}, err
	}
	if d.Areas, err = keptAreas(req, f["area"]); err != nil {
		return request.Decision{}, err
	}
	return d, nil
}

// approvedDuration checks the length an approval gives: one the page
// offered; empty keeps the one asked for.
func (h *Handler) approvedDuration(req request.Request, v string) (string, error) {
	if v == "" {
		return "", nil
	}
	offered := h.offeredDurations(req)
	d, err := grant.ParseDuration(v)
	if err != nil || !slices.Contains(offered, d) {
		names := make([]string, 0, len(offered))
		for _, o := range offered {
			names = append(names, durationWords(o))
		}
		return "", problem.New(problem.Invalid, "invalid_duration",
			"duration %q is not offered for this request; choose %s", problem.Clip(v, 40), strings.Join(names, ", "))
	}
	return grant.FormatDuration(d), nil
}

// offeredDurations are what an approval of req may give, longest first:
// the length asked for and the site's shorter lengths.
func (h *Handler) offeredDurations(req request.Request) []time.Duration {
	asked, err := grant.ParseDuration(req.Duration)
	if err != nil {
		return nil
	}
	out := []time.Duration{asked}
	for _, d := range h.d.Requests.Config().Durations {
		if d < asked {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	slices.Reverse(out)
	return slices.Compact(out)
}

// keptAreas reads the area checkboxes of an approval. None checked
// keeps a whole-app request whole; a request for some areas keeps at
// least one, or the admin denies it.
func keptAreas(req request.Request, checked []string) ([]string, error) {
	if len(checked) > 0 {
		return checked, nil
	}
	if len(req.Areas) > 0 {
		return nil, problem.New(problem.Invalid, "invalid_area",
			"keep at least one of the areas asked for (%s), or deny the request", strings.Join(req.Areas, ", "))
	}
	return nil, nil
}
