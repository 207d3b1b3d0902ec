package store

import "time"

// Reasons a grant ends.
const (
	EndRevoked  = "revoked"
	EndExpired  = "expired"
	EndReplaced = "replaced"
)

// Actor names who did something: an ops user ("ops:<name>"), a tenant
// admin, or an agent.
type Actor struct {
	// ID is the actor's stable id, e.g. "ops:dana" or the tenant's admin id.
	ID string `json:"id"`
	// Email, when known.
	Email string `json:"email,omitempty"`
	// Role in the tenant, for admins.
	Role string `json:"role,omitempty"`
	// Issuer is the identity provider that vouched for the actor, for
	// agents (whose ID holds the provider's subject).
	Issuer string `json:"iss,omitempty"`
}

// Grant is a tenant's consent to support access.
type Grant struct {
	ID        string     `json:"id"`
	Tenant    string     `json:"tenant"`
	Scopes    []string   `json:"scopes"`
	CreatedBy Actor      `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"` // nil: standing
	Note      string     `json:"note,omitempty"`
	// Areas are the configured parts of the app the grant covers, by name;
	// empty means the whole app.
	Areas []string `json:"areas,omitempty"`

	// Extensions record each time the expiry was moved later, oldest
	// first.
	Extensions []Extension `json:"extensions,omitempty"`

	EndedAt   *time.Time `json:"ended_at,omitempty"`
	EndedBy   *Actor     `json:"ended_by,omitempty"`
	EndReason string     `json:"end_reason,omitempty"` // EndRevoked, EndExpired, EndReplaced
	EndNote   string     `json:"end_note,omitempty"`   // e.g. why it was revoked
}

// Extension is more time given to an active grant.
type Extension struct {
	At time.Time `json:"at"`
	By Actor     `json:"by"`
	// From is the expiry before, To the expiry after.
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Request is the access request the extension answers, if any.
	Request string `json:"request,omitempty"`
}

// Extend returns g with its expiry moved to e.To and e recorded.
func (g Grant) Extend(e Extension) Grant {
	to := e.To.UTC()
	e.At, e.From, e.To = e.At.UTC(), e.From.UTC(), to
	g.ExpiresAt = &to
	g.Extensions = append(append([]Extension(nil), g.Extensions...), e)
	return g
}

// Ending says how a grant ends.
type Ending struct {
	At     time.Time
	By     *Actor
	Reason string
	Note   string
}

// Standing reports whether the grant has no expiry.
func (g Grant) Standing() bool { return g.ExpiresAt == nil }

// Expired reports whether the grant's expiry has passed at now.
func (g Grant) Expired(now time.Time) bool {
	return g.ExpiresAt != nil && !now.Before(*g.ExpiresAt)
}

// Ended reports whether the grant was revoked, replaced or recorded expired.
func (g Grant) Ended() bool { return g.EndedAt != nil }

// Status is "active", "expired" (also before the expiry is recorded),
// "revoked" or "replaced".
func (g Grant) Status(now time.Time) string {
	switch {
	case g.Ended():
		return g.EndReason
	case g.Expired(now):
		return EndExpired
	}
	return "active"
}

// End returns g ended as e says.
func (g Grant) End(e Ending) Grant {
	at := e.At.UTC()
	g.EndedAt, g.EndedBy, g.EndReason, g.EndNote = &at, e.By, e.Reason, e.Note
	return g
}
