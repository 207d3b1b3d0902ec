package grant

import (
	"context"
	"errors"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenant"
)

// History lists the tenant's grants, newest first. Grants past their expiry
// show as expired even before the expiry is recorded.
func (s *Service) History(ctx context.Context, tenantID string, p store.Page) ([]store.Grant, string, error) {
	if err := tenant.Validate(tenantID); err != nil {
		return nil, "", err
	}
	// Observe expiry so history and audit agree.
	if _, err := s.Current(ctx, tenantID); err != nil && problem.As(err).Kind != problem.NotFound {
		return nil, "", err
	}
	gs, next, err := s.store.GrantHistory(ctx, tenantID, p)
	switch {
	case errors.Is(err, store.ErrInvalidCursor):
		return nil, "", problem.New(problem.Invalid, "invalid_cursor", "the page cursor is not valid; start again from the first page")
	case err != nil:
		return nil, "", problem.Store(err)
	}
	return gs, next, nil
}

// Get returns one grant of the tenant.
func (s *Service) Get(ctx context.Context, tenantID, id string) (store.Grant, error) {
	if err := tenant.Validate(tenantID); err != nil {
		return store.Grant{}, err
	}
	g, err := s.store.GetGrant(ctx, tenantID, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return store.Grant{}, problem.New(problem.NotFound, "grant_not_found", "tenant %s has no grant %q", tenantID, clip(id))
	case err != nil:
		return store.Grant{}, problem.Store(err)
	}
	return g, nil
}

// Active returns the current grant of every tenant that has one, in tenant
// order.
func (s *Service) Active(ctx context.Context) ([]store.Grant, error) {
	tenants, err := s.store.Tenants(ctx)
	if err != nil {
		return nil, problem.Store(err)
	}
	var out []store.Grant
	for _, t := range tenants {
		g, err := s.Current(ctx, t)
		if problem.As(err).Kind == problem.NotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}
