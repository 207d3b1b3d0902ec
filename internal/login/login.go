// Package login signs support agents in through the vendor's OpenID
// Connect provider (authorization code flow with PKCE, state bound to the
// browser, nonce) and keeps the agent's browser session. It knows nothing
// of Caddy: the handler calls Begin on /login, Finish on /callback, and
// Sessions on every agent request.
package login

import (
	"fmt"
	"slices"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Record kinds in the store.
const (
	kindLogin = "login"
	kindAgent = "agent"
)

// Service is the relying party: it starts and finishes logins and creates
// agent sessions. It is safe for concurrent use by many requests and by
// several instances sharing one store.
type Service struct {
	cfg       Config
	store     store.Store
	discovery *discovery
	sessions  *Sessions
}

// New validates cfg and returns a service over st. It does no network
// work: the provider is discovered on the first login.
func New(cfg Config, st store.Store) (*Service, error) {
	cfg, err := cfg.normalized()
	if err != nil {
		return nil, fmt.Errorf("oidc login: %v", err)
	}
	s := &Service{
		cfg:      cfg,
		store:    st,
		sessions: NewSessions(st, cfg.SessionMax, cfg.Now),
	}
	s.sessions.site = cfg.Site
	s.discovery = &discovery{cfg: &s.cfg}
	return s, nil
}

// Sessions returns the agent sessions the service creates.
func (s *Service) Sessions() *Sessions { return s.sessions }

// Roles returns the configured roles, defaults applied.
func (s *Service) Roles() []Role {
	out := slices.Clone(s.cfg.Roles)
	for i := range out {
		out[i].Groups = slices.Clone(out[i].Groups)
		out[i].Scopes = slices.Clone(out[i].Scopes)
	}
	return out
}
