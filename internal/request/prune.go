package request

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenant"
)

// PruneDecided deletes the tenant's requests decided (approved, denied or
// expired) before cutoff, and drops them and requests already gone from
// the tenant's list, so the store keeps requests for the retention window
// only; each step of their history is in the tenant's audit chain. The
// agents' lists skip ids whose request is gone. It reports how many
// requests it deleted; a name that is no tenant id (the logins chain) has
// none.
func (s *Service) PruneDecided(ctx context.Context, tenantID string, cutoff time.Time) (int, error) {
	if tenant.Validate(tenantID) != nil {
		return 0, nil
	}
	ids, err := s.readIndex(ctx, kindByTenant, tenantID)
	if err != nil {
		return 0, err
	}
	gone := map[string]bool{}
	deleted := 0
	for _, id := range ids {
		raw, err := s.st.GetRecord(ctx, kindRequest, id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			gone[id] = true
			continue
		case err != nil:
			return deleted, problem.Store(err)
		}
		var r Request
		if err := json.Unmarshal(raw, &r); err != nil {
			return deleted, problem.Store(fmt.Errorf("decode request %s: %w", id, err))
		}
		if r.State == Pending || r.DecidedAt == nil || !r.DecidedAt.Before(cutoff) {
			continue
		}
		if err := s.st.DeleteRecord(ctx, kindRequest, id); err != nil {
			return deleted, problem.Store(err)
		}
		gone[id] = true
		deleted++
	}
	if len(gone) == 0 {
		return 0, nil
	}
	return deleted, s.updateIndex(ctx, kindByTenant, tenantID, func(ids []string) []string {
		return slices.DeleteFunc(ids, func(id string) bool { return gone[id] })
	})
}
