package login

import (
	"slices"
	"time"

	"github.com/lockbox-gw/lockbox/internal/scope"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Identity is who an agent is and what the agent's roles allow at most.
type Identity struct {
	// Agent is the agent as the identity provider names it.
	Agent store.Agent `json:"agent"`
	// Roles are the configured roles the agent's groups give, in
	// configuration order.
	Roles []string `json:"roles"`
	// Scopes are the most any session of the agent may use: the union of
	// the roles' scopes, in canonical order.
	Scopes []string `json:"scopes"`
	// BreakGlass is the longest break-glass entry the roles allow; 0 means
	// the agent cannot break glass.
	BreakGlass time.Duration `json:"break_glass,omitempty"`
}

// identityFor maps groups to the configured roles. It reports false when
// no role matches.
func identityFor(agent store.Agent, groups []string, roles []Role) (Identity, bool) {
	id := Identity{Agent: agent}
	var scopes []string
	for _, r := range roles {
		if !slices.ContainsFunc(r.Groups, func(g string) bool { return slices.Contains(groups, g) }) {
			continue
		}
		id.Roles = append(id.Roles, r.Name)
		scopes = append(scopes, r.Scopes...)
		id.BreakGlass = max(id.BreakGlass, r.BreakGlass)
	}
	if len(id.Roles) == 0 {
		return Identity{}, false
	}
	// The role scopes were validated at configuration, so Parse cannot fail.
	id.Scopes, _ = scope.Parse(scopes...)
	return id, true
}
