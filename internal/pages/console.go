package pages

import (
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Console is what the agent console shows.
type Console struct {
	// Prefix is where Lockbox's routes live, e.g. "/_lockbox".
	Prefix string
	Agent  store.Agent
	Roles  []string
	// CSRF is the token every form posts back.
	CSRF string
	Now  time.Time
	// Current is the impersonation session the agent is in, if any.
	Current *store.Session
	// Tenants are those with an active grant the agent may use.
	Tenants []TenantRow
	// Flash is a one-line message, e.g. why the last session ended.
	Flash string
	// BreakGlass is the agent's break-glass limit in words, e.g. "1h";
	// "" when the agent's roles allow no break-glass entry, and then the
	// console offers none.
	BreakGlass string
	// MaxReason is the most characters a break-glass reason may have.
	MaxReason int
}

// TenantRow is one tenant the agent may enter.
type TenantRow struct {
	Tenant string
	// Scopes are the agent's effective scopes there.
	Scopes    []string
	GrantedBy string
	ExpiresAt *time.Time
	Note      string
}
