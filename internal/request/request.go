// Package request is the access-request flow: an agent asks a tenant for
// access (or for more time on the grant it has), the tenant's admins
// approve or deny, and untouched requests expire. Approval creates (or
// extends) the grant through the grant service; every step is audited in
// the tenant's chain. Requests live in store records, so both backends
// keep them without a schema of their own.
package request

import (
	"slices"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Audit event types of the flow.
const (
	// EventCreated: an agent asked.
	EventCreated = "request.created"
	// EventApproval: one admin approved a request that needs more
	// approvals before the grant exists.
	EventApproval = "request.approval"
	// EventApproved: the last approval needed; the grant exists.
	EventApproved = "request.approved"
	// EventDenied: an admin denied the request.
	EventDenied = "request.denied"
	// EventExpired: nobody decided within the request's lifetime.
	EventExpired = "request.expired"
)

// States of a request.
const (
	Pending  = "pending"
	Approved = "approved"
	Denied   = "denied"
	Expired  = "expired"
)

// Limits on what a request may say.
const (
	MaxReason  = 500
	MaxTicket  = 200
	MaxMessage = 500
	// ExtensionWindow: an agent may ask for more time once the tenant's
	// grant ends within this.
	ExtensionWindow = 24 * time.Hour
	// DefaultTTL is how long a request waits for a decision.
	DefaultTTL = 72 * time.Hour
)

// Request is one agent's request for access to one tenant.
type Request struct {
	ID     string      `json:"id"`
	Tenant string      `json:"tenant"`
	Agent  store.Agent `json:"agent"`
	// Roles are the agent's roles when asking, for the admins to see.
	Roles  []string `json:"roles,omitempty"`
	Reason string   `json:"reason"`
	Ticket string   `json:"ticket,omitempty"`
	// Scopes asked for; read is always among them.
	Scopes []string `json:"scopes"`
	// Duration asked for, as "7d"; for an extension, the time to add.
	Duration string `json:"duration"`
	// Areas asked for; empty means the whole app.
	Areas []string `json:"areas,omitempty"`
	// Extension asks for more time on Grant rather than a new grant.
	Extension bool   `json:"extension,omitempty"`
	Grant     string `json:"grant,omitempty"`
	// Needed is how many different admins must approve.
	Needed    int        `json:"approvals_needed"`
	Approvals []Approval `json:"approvals"`
	CreatedAt time.Time  `json:"created_at"`
	// ExpiresAt is when the request ends as expired if still pending.
	ExpiresAt time.Time `json:"expires_at"`
	State     string    `json:"state"`
	// DecidedAt and DecidedBy tell who approved last, or denied.
	DecidedAt *time.Time   `json:"decided_at,omitempty"`
	DecidedBy *store.Actor `json:"decided_by,omitempty"`
	// Message is the denying admin's message to the agent.
	Message string `json:"message,omitempty"`
	// Granted is the grant the approval created or extended.
	Granted string `json:"granted_grant,omitempty"`
}

// Approval is one admin's approval, possibly narrowing what was asked.
type Approval struct {
	By       store.Actor `json:"by"`
	At       time.Time   `json:"at"`
	Scopes   []string    `json:"scopes"`
	Duration string      `json:"duration"`
	Areas    []string    `json:"areas,omitempty"`
}

// Decision is an admin's answer to a request.
type Decision struct {
	// By is the approving or denying admin, as the registry knows them.
	By store.Actor
	// Scopes narrow the scopes asked for; nil keeps them.
	Scopes []string
	// Duration shortens the duration asked for ("1d"); empty keeps it.
	Duration string
	// Areas narrow the areas; nil keeps them.
	Areas []string
	// AllowedAreas, when not empty, are the only areas this admin may
	// grant (an admin link limited to areas).
	AllowedAreas []string
	// Message is told to the agent on denial.
	Message string
}

// Pending reports whether the request still waits for a decision at now.
func (r Request) Pending(now time.Time) bool {
	return r.State == Pending && now.Before(r.ExpiresAt)
}

// StatusAt is the request's state at now: a pending request past its
// lifetime shows as expired before the expiry is recorded.
func (r Request) StatusAt(now time.Time) string {
	if r.State == Pending && !now.Before(r.ExpiresAt) {
		return Expired
	}
	return r.State
}

// ApprovedBy reports whether the admin with id already approved.
func (r Request) ApprovedBy(id string) bool {
	return slices.ContainsFunc(r.Approvals, func(a Approval) bool { return a.By.ID == id })
}
