package notify

import "github.com/lockbox-gw/lockbox/internal/store"

// Unwrap returns the store the bridge publishes for, so callers can reach
// its optional interfaces (store.Retention).
func (b *bridge) Unwrap() store.Store { return b.Store }
