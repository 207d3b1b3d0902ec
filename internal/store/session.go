package store

import "time"

// Reasons an impersonation session ends.
const (
	SessionLogout   = "logout"
	SessionExit     = "exit"
	SessionIdle     = "idle"
	SessionMax      = "max"
	SessionExpired  = "expired"  // the grant expired
	SessionRevoked  = "revoked"  // the grant was revoked
	SessionReplaced = "replaced" // the grant was replaced by a new one
)

// Agent identifies a support agent as the IdP does.
type Agent struct {
	Subject string `json:"sub"`
	Issuer  string `json:"iss"`
	Email   string `json:"email,omitempty"`
	Name    string `json:"name,omitempty"`
}

// Session is an impersonation session: one agent working in one tenant
// under one grant with the scopes both allow.
type Session struct {
	ID     string `json:"id"`
	Tenant string `json:"tenant"`
	// Grant is the grant the session runs under; empty for break-glass.
	Grant  string   `json:"grant,omitempty"`
	Agent  Agent    `json:"agent"`
	Roles  []string `json:"roles,omitempty"`
	Scopes []string `json:"scopes"`
	// Areas are the grant's areas, copied at the start; empty means the
	// whole app.
	Areas      []string  `json:"areas,omitempty"`
	BreakGlass bool      `json:"break_glass,omitempty"`
	Reason     string    `json:"reason,omitempty"` // why, for break-glass
	StartedAt  time.Time `json:"started_at"`
	// EndsAt is when the session ends at the latest: the grant's expiry or
	// the session maximum, whichever is first.
	EndsAt time.Time `json:"ends_at"`
	// LastSeen, Requests and Refused are kept by TouchSessions. Requests
	// counts every agent request of the session, Refused those of them
	// Lockbox refused.
	LastSeen  time.Time  `json:"last_seen"`
	Requests  int64      `json:"requests"`
	Refused   int64      `json:"refused"`
	EndedAt   *time.Time `json:"ended_at,omitempty"`
	EndReason string     `json:"end_reason,omitempty"`
}

// Ended reports whether the session has been ended.
func (s Session) Ended() bool { return s.EndedAt != nil }

// Touch is activity to add to a session: TouchSessions keeps the later
// LastSeen and adds Requests and Refused. A zero LastSeen leaves it.
type Touch struct {
	Tenant   string
	ID       string
	LastSeen time.Time
	Requests int64
	Refused  int64
}
