package store

import (
	"context"
	"fmt"
	"time"
)

// HistoryRetention removes what ended long ago: sessions and grants whose
// end is before a cutoff, so the store's size is bounded by the retention
// window. What happened to them stays in the audit chain (grant.* and
// session.* events), which the archive keeps.
type HistoryRetention interface {
	// PruneSessions deletes up to limit of the tenant's sessions that
	// ended before cutoff and reports how many it deleted.
	PruneSessions(ctx context.Context, tenant string, cutoff time.Time, limit int) (int, error)
	// PruneGrants deletes up to limit of the tenant's grants that ended
	// before cutoff, never the active one, and reports how many.
	PruneGrants(ctx context.Context, tenant string, cutoff time.Time, limit int) (int, error)
}

// CheckPrune rejects prune arguments that cannot be honoured.
func CheckPrune(tenant string, limit int) error {
	switch {
	case tenant == "":
		return fmt.Errorf("tenant is required")
	case limit <= 0 || limit > MaxPageSize:
		return fmt.Errorf("prune limit must be 1-%d, not %d", MaxPageSize, limit)
	}
	return nil
}

// AsHistoryRetention returns the HistoryRetention of s or of a store it
// wraps.
func AsHistoryRetention(s Store) (HistoryRetention, bool) { return As[HistoryRetention](s) }
