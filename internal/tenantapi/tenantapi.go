// Package tenantapi holds the handlers the app API and the ops API share
// over one tenant, the tenant in the path: its grants, audit trail,
// impersonation sessions and admins. The two APIs differ only in how the
// caller is authenticated (done before these handlers run) and in who
// the actor of a change is, which each API reads from the body in its
// own words (the app names a tenant admin, an operator names
// themselves); the Caller hooks carry that difference.
package tenantapi

import (
	"net/http"

	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Handlers serves the shared routes. Each method is an httpjson.Endpoint.
type Handlers struct {
	// Grants is the grant service; its store holds the sessions and the
	// audit trail.
	Grants *grant.Service
	// Admins holds the tenants' admin lists; nil answers 503
	// "admins_unavailable".
	Admins *admins.Registry
	// Resp writes the answers.
	Resp httpjson.Responder
	// Caller is what differs between the APIs.
	Caller Caller
}

// Caller reads who acts from the body of a change, in one API's words.
// Each hook decodes the body itself, since the actor's fields are part
// of it.
type Caller struct {
	// GrantRequest decodes the body of POST .../grants into a request
	// for tenant, actor included, checked by the API's rules.
	GrantRequest func(w http.ResponseWriter, r *http.Request, tenant string) (grant.CreateRequest, error)
	// Revoker decodes the body of DELETE .../grants/{id}: who revokes,
	// and why.
	Revoker func(w http.ResponseWriter, r *http.Request, tenant string) (by store.Actor, reason string, err error)
	// AdminsSetter decodes the body of PUT .../admins: the tenant's
	// whole new admin list (checked with AdminsGiven) and who sets it.
	AdminsSetter func(w http.ResponseWriter, r *http.Request, tenant string) ([]admins.Admin, store.Actor, error)
	// Changed, if set, is told of each stored grant change: event is
	// grant.EventCreated or grant.EventRevoked.
	Changed func(r *http.Request, tenant, event string, g store.Grant)
}

// changed tells the caller's hook, if any, of a stored grant change.
func (h *Handlers) changed(r *http.Request, tenant, event string, g store.Grant) {
	if h.Caller.Changed != nil {
		h.Caller.Changed(r, tenant, event, g)
	}
}
