package notify

import (
	"encoding/json"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Event types, the same names as the audit events they mirror.
const (
	GrantCreated    = "grant.created"
	GrantRevoked    = "grant.revoked"
	GrantExpired    = "grant.expired"
	GrantReplaced   = "grant.replaced"
	GrantExtended   = "grant.extended"
	RequestApproval = "request.approval"
	RequestCreated  = "request.created"
	RequestApproved = "request.approved"
	RequestDenied   = "request.denied"
	RequestExpired  = "request.expired"
	SessionStarted  = "session.started"
	SessionEnded    = "session.ended"
	BreakGlassUsed  = "breakglass.used"
)

// GrantData is the data of the grant.* events: the grant as it is after
// the event.
type GrantData struct {
	Tenant string      `json:"tenant"`
	Grant  store.Grant `json:"grant"`
}

// NewGrantData returns the data of a grant event about g.
func NewGrantData(g store.Grant) GrantData { return GrantData{Tenant: g.Tenant, Grant: g} }

// SessionData is the data of the session.* and breakglass.used events.
type SessionData struct {
	Tenant  string  `json:"tenant"`
	Session Session `json:"session"`
}

// Session is an impersonation session as receivers see it: who, under
// which grant, with which scopes, from when to when.
type Session struct {
	ID         string     `json:"id"`
	Grant      string     `json:"grant,omitempty"`
	Agent      Agent      `json:"agent"`
	Scopes     []string   `json:"scopes"`
	BreakGlass bool       `json:"break_glass,omitempty"`
	Reason     string     `json:"reason,omitempty"`
	StartedAt  time.Time  `json:"started_at"`
	EndsAt     time.Time  `json:"ends_at"`
	EndedAt    *time.Time `json:"ended_at,omitempty"`
	EndReason  string     `json:"end_reason,omitempty"`
	// Requests is how many requests the session made, present (even when
	// 0) once it has ended.
	Requests *int64 `json:"requests,omitempty"`
}

// Agent is the support agent of a session.
type Agent struct {
	Subject string `json:"sub"`
	Email   string `json:"email,omitempty"`
	Name    string `json:"name,omitempty"`
}

// NewSessionData returns the data of a session event about s.
func NewSessionData(s store.Session) SessionData {
	var requests *int64
	if s.EndedAt != nil {
		requests = &s.Requests
	}
	return SessionData{
		Tenant: s.Tenant,
		Session: Session{
			ID:         s.ID,
			Grant:      s.Grant,
			Agent:      Agent{Subject: s.Agent.Subject, Email: s.Agent.Email, Name: s.Agent.Name},
			Scopes:     s.Scopes,
			BreakGlass: s.BreakGlass,
			Reason:     s.Reason,
			StartedAt:  s.StartedAt,
			EndsAt:     s.EndsAt,
			EndedAt:    s.EndedAt,
			EndReason:  s.EndReason,
			Requests:   requests,
		},
	}
}

// RequestData is the data of the request.* events: the access request as
// it is after the event, and where an admin reviews it.
type RequestData struct {
	Tenant    string          `json:"tenant"`
	Request   json.RawMessage `json:"request"`
	ReviewURL string          `json:"review_url,omitempty"`
}
