// Package grant is the grant lifecycle on top of the store: tenants grant
// consent for a time or standing, revoke it, and every change is audited.
// Expiry is decided here, on read, with an injected clock.
package grant

import (
	"crypto/rand"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Service creates, revokes and reads grants.
type Service struct {
	store store.Store
	now   func() time.Time
}

// New returns a service over s; now is the clock (time.Now when nil).
func New(s store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, now: now}
}

// Store returns the store the service works on.
func (s *Service) Store() store.Store { return s.store }

// Now returns the service's clock reading, in UTC.
func (s *Service) Now() time.Time { return s.now().UTC() }

// newID returns a random grant id with 128 bits of entropy.
func newID() string { return "g_" + rand.Text() }
