package apitest

import (
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// The JSON listings the app API and the ops API share (both serve them
// through package tenantapi), decoded strictly by the tests.
type (
	// GrantsPage is the answer of a tenant's grant listing.
	GrantsPage struct {
		Active     *store.Grant  `json:"active"`
		Grants     []store.Grant `json:"grants"`
		NextCursor string        `json:"next_cursor"`
	}
	// SessionsPage is the answer of a tenant's session listing.
	SessionsPage struct {
		Sessions   []store.Session `json:"sessions"`
		NextCursor string          `json:"next_cursor"`
	}
	// AuditPage is the answer of a tenant's audit listing.
	AuditPage struct {
		Events    []store.Event `json:"events"`
		NextAfter int64         `json:"next_after"`
	}
)

// Session is a read-only support visit of agent bob to tenant, started at
// start and lasting at most eight hours, under grant g_1.
func Session(tenant, id string, start time.Time) store.Session {
	return store.Session{
		ID: id, Tenant: tenant, Grant: "g_1",
		Agent:  store.Agent{Subject: "bob", Issuer: "https://idp.test", Email: "bob@support.test"},
		Scopes: []string{"read"}, StartedAt: start, EndsAt: start.Add(8 * time.Hour), LastSeen: start,
	}
}
