package metrics

import "github.com/prometheus/client_golang/prometheus"

// Outcomes of an agent request.
const (
	Allowed     = "allowed"
	Denied      = "denied"
	Unavailable = "unavailable"
)

// loginOutcomes are the outcomes of a sign-in.
var loginOutcomes = []string{"success", "no_role", "refused", "unavailable"}

// Site counts one site's agent requests and logins. The allowed counter,
// bumped on every proxied agent request, is looked up once.
type Site struct {
	m       *Metrics
	name    string
	allowed prometheus.Counter
}

// Site returns the counters of the site named name (its host).
func (m *Metrics) Site(name string) *Site {
	if m == nil {
		return nil
	}
	for _, o := range loginOutcomes {
		m.logins.WithLabelValues(name, o)
	}
	return &Site{m: m, name: name, allowed: m.agentRequests.WithLabelValues(name, Allowed, "")}
}

// Allowed counts an agent request sent on to the app.
func (s *Site) Allowed() {
	if s != nil {
		s.allowed.Inc()
	}
}

// Refused counts an agent request refused with outcome (Denied or
// Unavailable) and a reason from a fixed set of codes.
func (s *Site) Refused(outcome, reason string) {
	if s != nil {
		s.m.agentRequests.WithLabelValues(s.name, outcome, reason).Inc()
	}
}

// Login counts a finished sign-in with its outcome.
func (s *Site) Login(outcome string) {
	if s != nil {
		s.m.logins.WithLabelValues(s.name, outcome).Inc()
	}
}
