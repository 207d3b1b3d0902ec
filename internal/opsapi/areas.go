package opsapi

import (
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/policy"
)

// WithAreas gives the API the areas the configured sites define, asked at
// each request (sites may be provisioned after the API is made). A grant
// may name only those; without this option it may name none.
func WithAreas(areas func() policy.Areas) Option {
	return func(h *Handler) { h.areas = areas }
}

// checkAreas refuses area names no configured site defines, before
// anything is written: the grant would replace the tenant's active one
// and cover nothing.
func (h *Handler) checkAreas(names []string) error {
	areas, err := grant.CanonicalAreas(names)
	if err != nil || len(areas) == 0 {
		return err
	}
	var configured policy.Areas
	if h.areas != nil {
		configured = h.areas()
	}
	return grant.CheckAreas(areas, configured, nil)
}
