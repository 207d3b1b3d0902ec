package gateway

import "net/http"

// headerNames are the identity headers for one configured prefix, built
// once so requests do not concatenate strings.
type headerNames struct {
	tenant, agent, agentSub, scopes, session, grant, pii, breakGlass, token string
	// requestID names one agent request, as its audit events do.
	requestID string
}

func newHeaderNames(prefix string) headerNames {
	n := func(s string) string { return http.CanonicalHeaderKey(prefix + s) }
	return headerNames{
		tenant: n("Tenant"), agent: n("Agent"), agentSub: n("Agent-Sub"), scopes: n("Scopes"),
		session: n("Session"), grant: n("Grant"), pii: n("PII"), breakGlass: n("Break-Glass"), token: n("Token"),
		requestID: n("Request-Id"),
	}
}

// set writes the contract's identity headers for s. The request's
// prefixed headers have been scrubbed before, so these are the only ones.
// One array holds all the values, rather than one allocation per header;
// each header gets its own capped slice of it, so changing one header
// downstream cannot touch another.
func (n headerNames) set(h http.Header, s *liveSession, token string) {
	v := make([]string, 0, maxIdentityHeaders)
	put := func(name, value string) {
		v = append(v, value)
		h[name] = v[len(v)-1 : len(v) : len(v)]
	}
	put(n.tenant, s.Tenant)
	put(n.agent, s.agent)
	put(n.agentSub, s.agentSub)
	put(n.scopes, s.scopes)
	put(n.session, s.ID)
	if s.Grant != "" {
		put(n.grant, s.Grant)
	}
	put(n.pii, s.pii)
	if s.BreakGlass {
		put(n.breakGlass, "true")
	}
	put(n.token, token)
}

// maxIdentityHeaders is how many headers set writes at most.
const maxIdentityHeaders = 9

// RequestID returns the request id Lockbox gave an agent request it sent
// on (the <prefix>Request-Id header, also in its audit events); "" for
// other requests.
func (g *Gateway) RequestID(r *http.Request) string {
	if v := r.Header[g.names.requestID]; len(v) == 1 {
		return v[0]
	}
	return ""
}
