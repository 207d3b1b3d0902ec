package metrics

import "github.com/lockbox-gw/lockbox/internal/store"

var _ store.Wrapper = (*Store)(nil)

// Unwrap returns the wrapped store, so what only the backend offers
// (retention's trims and prunes) is found through the instrumented one.
func (s *Store) Unwrap() store.Store { return s.Store }
