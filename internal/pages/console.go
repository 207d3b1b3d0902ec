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
	// Open is where "Open the app" leads: "/" unless the site names
	// tenants by path (the tenant's path). OpenByTicket makes it a form
	// that hands the browser to the tenant's host with a fresh ticket.
	Open         string
	OpenByTicket bool
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
	// Ask is the form to ask a tenant for access; nil when the site takes
	// no access requests.
	Ask *AskForm
	// Refused says why the agent's last request was not sent.
	Refused string
	// Requests are the agent's own access requests, newest first.
	Requests []RequestRow
}

// TenantRow is one tenant the agent may enter.
type TenantRow struct {
	Tenant string
	// Address is where the tenant's app lives when the site names
	// tenants by host or path; "" otherwise.
	Address string
	// Scopes are the agent's effective scopes there.
	Scopes    []string
	GrantedBy string
	ExpiresAt *time.Time
	Note      string
	// Extend is the form to ask for more time; nil when the grant does
	// not end soon or the site takes no access requests.
	Extend *ExtendForm
}

// AskForm is the console's "Ask a tenant for access" form, filled with
// what the agent typed when the last ask was refused.
type AskForm struct {
	Tenant string
	Reason string
	Ticket string
	// Scopes are the scopes the agent's roles can use; read is always
	// asked for.
	Scopes []Choice
	// Durations are the lengths the agent may ask for.
	Durations []Choice
	// Areas are the site's areas; none checked asks for the whole app.
	// Empty when the site names no areas.
	Areas []Choice
	// MaxReason and MaxTicket bound what the agent types.
	MaxReason int
	MaxTicket int
}

// ExtendForm is a tenant row's "Ask for more time" form, offered when
// the grant ends soon.
type ExtendForm struct {
	Durations []Choice
	Reason    string
	MaxReason int
	// Waiting is true when the agent's request to the tenant still awaits
	// an answer; the form is not offered then.
	Waiting bool
}

// RequestRow is one of the agent's access requests.
type RequestRow struct {
	Tenant string
	At     time.Time
	// Asked says what was asked, e.g. "read, write for 7d" or "1d more
	// time"; Areas the parts of the app, "" for the whole app.
	Asked  string
	Areas  string
	Reason string
	Ticket string
	// State is pending, approved, denied or expired; Status says it in
	// words, e.g. "waiting for 1 of 2 approvals".
	State  string
	Status string
	// Message is the denying admin's message.
	Message string
	// Enter is true when the request was approved and the tenant has an
	// active grant now.
	Enter bool
}

// Choice is one choice of a console form field.
type Choice struct {
	Value, Label string
	Checked      bool
	// Fixed is always chosen and cannot be unchosen (read).
	Fixed bool
}
