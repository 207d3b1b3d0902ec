package gateway

import (
	"net/http"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/scope"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// headerNames are the identity headers for one configured prefix, built
// once so requests do not concatenate strings.
type headerNames struct {
	tenant, agent, agentSub, scopes, session, grant, pii, breakGlass, token string
}

func newHeaderNames(prefix string) headerNames {
	n := func(s string) string { return http.CanonicalHeaderKey(prefix + s) }
	return headerNames{
		tenant: n("Tenant"), agent: n("Agent"), agentSub: n("Agent-Sub"), scopes: n("Scopes"),
		session: n("Session"), grant: n("Grant"), pii: n("PII"), breakGlass: n("Break-Glass"), token: n("Token"),
	}
}

// set writes the contract's identity headers for s. The request's
// prefixed headers have been scrubbed before, so these are the only ones.
func (n headerNames) set(h http.Header, s *store.Session, token string) {
	h.Set(n.tenant, s.Tenant)
	h.Set(n.agent, s.Agent.Email)
	h.Set(n.agentSub, s.Agent.Subject)
	h.Set(n.scopes, strings.Join(s.Scopes, " "))
	h.Set(n.session, s.ID)
	if s.Grant != "" {
		h.Set(n.grant, s.Grant)
	}
	pii := "masked"
	for _, sc := range s.Scopes {
		if sc == scope.PII {
			pii = "visible"
		}
	}
	h.Set(n.pii, pii)
	if s.BreakGlass {
		h.Set(n.breakGlass, "true")
	}
	h.Set(n.token, token)
}
