package grant

import (
	"context"
	"errors"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/turns"
)

// turnKind is the store record kind of the turns of a tenant's grant
// writers.
const turnKind = "grant-turn"

// takeTurn waits until no other change that puts or extends the tenant's
// grant is in progress, so their events land in the order the changes
// were stored and an extension is computed from the one before it.
// Revoking never waits: it ends a grant whatever else is going on.
func (s *Service) takeTurn(ctx context.Context, tenantID string) (release func(), err error) {
	release, err = turns.Take(ctx, s.store, turnKind, tenantID)
	switch {
	case errors.Is(err, turns.ErrBusy):
		return nil, problem.New(problem.Conflict, "grant_busy", "another change of tenant %s's grant is in progress; try again", tenantID)
	case err != nil:
		return nil, problem.Store(err)
	}
	return release, nil
}
