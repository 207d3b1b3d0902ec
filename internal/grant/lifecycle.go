package grant

import (
	"context"
	"errors"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenant"
)

// Create validates r and makes it the tenant's active grant, ending the one
// before it as replaced. Nothing is written when r is invalid.
func (s *Service) Create(ctx context.Context, r CreateRequest) (store.Grant, error) {
	scopes, err := r.validate()
	if err != nil {
		return store.Grant{}, err
	}
	areas, err := CanonicalAreas(r.Areas)
	if err != nil {
		return store.Grant{}, err
	}
	release, err := s.takeTurn(ctx, r.Tenant)
	if err != nil {
		return store.Grant{}, err
	}
	defer release()
	// Record an expiry first, so history says "expired", not "replaced".
	if _, err := s.Current(ctx, r.Tenant); err != nil && problem.As(err).Kind != problem.NotFound {
		return store.Grant{}, err
	}
	now := s.Now()
	g := store.Grant{ID: newID(), Tenant: r.Tenant, Scopes: scopes, CreatedBy: r.By, CreatedAt: now, Note: r.Note, Areas: areas}
	if !r.Standing {
		exp := now.Add(r.Duration)
		g.ExpiresAt = &exp
	}
	replaced, err := s.store.PutGrant(ctx, g)
	if err != nil {
		return store.Grant{}, problem.Store(err)
	}
	var events []store.Event
	if replaced != nil {
		events = append(events, replacedEvent(*replaced, g))
	}
	events = append(events, createdEvent(g))
	return g, s.audit(ctx, r.Tenant, events...)
}

// Current returns the tenant's active, unexpired grant. A grant found past
// its expiry is recorded as expired (once, whichever instance sees it
// first) and reported as not found.
func (s *Service) Current(ctx context.Context, tenantID string) (store.Grant, error) {
	if err := tenant.Validate(tenantID); err != nil {
		return store.Grant{}, err
	}
	g, err := s.store.ActiveGrant(ctx, tenantID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return store.Grant{}, noGrant(tenantID)
	case err != nil:
		return store.Grant{}, problem.Store(err)
	case !g.Expired(s.Now()):
		return g, nil
	}
	if err := s.expire(ctx, g); err != nil {
		return store.Grant{}, err
	}
	return store.Grant{}, noGrant(tenantID)
}

// CurrentOrNil is Current for listings that show the active grant when
// there is one: a tenant without one gets nil and no error.
func (s *Service) CurrentOrNil(ctx context.Context, tenantID string) (*store.Grant, error) {
	g, err := s.Current(ctx, tenantID)
	if problem.As(err).Code == "no_active_grant" {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &g, nil
}

func (s *Service) expire(ctx context.Context, g store.Grant) error {
	ended, err := s.store.EndGrant(ctx, g.Tenant, g.ID, store.Ending{At: *g.ExpiresAt, Reason: store.EndExpired})
	switch {
	case errors.Is(err, store.ErrEnded), errors.Is(err, store.ErrNotFound):
		return nil // another instance recorded it, or a newer grant replaced it
	case err != nil:
		return problem.Store(err)
	}
	return s.audit(ctx, g.Tenant, expiredEvent(ended))
}

// Revoke ends grant id of the tenant now. Revoking a grant that already
// ended is a conflict that says how it ended.
func (s *Service) Revoke(ctx context.Context, tenantID, id string, by store.Actor, reason string) (store.Grant, error) {
	if err := tenant.Validate(tenantID); err != nil {
		return store.Grant{}, err
	}
	if err := validateActor(by); err != nil {
		return store.Grant{}, err
	}
	if err := ValidateText("reason", reason, MaxNote); err != nil {
		return store.Grant{}, err
	}
	// Observe expiry first, so an expired grant is not recorded as revoked.
	if _, err := s.Current(ctx, tenantID); err != nil && problem.As(err).Kind != problem.NotFound {
		return store.Grant{}, err
	}
	g, err := s.store.EndGrant(ctx, tenantID, id, store.Ending{At: s.Now(), By: &by, Reason: store.EndRevoked, Note: reason})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return store.Grant{}, problem.New(problem.NotFound, "grant_not_found", "tenant %s has no grant %q", tenantID, clip(id))
	case errors.Is(err, store.ErrEnded):
		return store.Grant{}, s.alreadyEnded(ctx, tenantID, id)
	case err != nil:
		return store.Grant{}, problem.Store(err)
	}
	return g, s.audit(ctx, tenantID, revokedEvent(g))
}

// RevokeActive revokes whatever grant the tenant has now.
func (s *Service) RevokeActive(ctx context.Context, tenantID string, by store.Actor, reason string) (store.Grant, error) {
	g, err := s.Current(ctx, tenantID)
	if err != nil {
		return store.Grant{}, err
	}
	return s.Revoke(ctx, tenantID, g.ID, by, reason)
}

func (s *Service) alreadyEnded(ctx context.Context, tenantID, id string) error {
	g, err := s.store.GetGrant(ctx, tenantID, id)
	if err != nil || g.EndedAt == nil {
		return problem.New(problem.Conflict, "grant_ended", "grant %s has already ended", id)
	}
	return problem.New(problem.Conflict, "grant_ended", "grant %s already ended: %s at %s", id, g.EndReason, g.EndedAt.Format("2006-01-02 15:04 MST"))
}

func noGrant(tenantID string) error {
	return problem.New(problem.NotFound, "no_active_grant", "tenant %s has no active grant", tenantID)
}
