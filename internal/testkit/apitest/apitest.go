// Package apitest is the common ground of the tests of Lockbox's tenant
// admin surfaces (the app API, the ops API, the Support Access page): a
// store with the grant service, the admin registry and the signed links
// over it, the test admins registered, and a recorder of the change
// notifications the surfaces send. It is imported only by _test.go files.
package apitest

import (
	"context"
	"sync"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// The admins SetTestAdmins registers: Ana owns acme, Vic only views it,
// Gus administers globex.
var (
	Ana = admins.Admin{ID: "u_ana", Email: "ana@acme.test", Name: "Ana", Role: "owner"}
	Vic = admins.Admin{ID: "u_vic", Email: "vic@acme.test", Name: "Vic", Role: "viewer"}
	Gus = admins.Admin{ID: "u_gus", Email: "gus@globex.test", Name: "Gus", Role: "admin"}
)

// Note is one call of a surface's notifier hook.
type Note struct {
	Tenant, Event string
	Payload       any
}

// Env is the domain side of a surface under test: services over a store
// the test owns, all reading one clock.
type Env struct {
	T      testing.TB
	Clock  *testkit.Clock
	Store  store.Store
	Grants *grant.Service
	Admins *admins.Registry
	Links  *adminlink.Links

	mu    sync.Mutex
	notes []Note
}

// New returns the services over st, reading clock.
func New(t testing.TB, st store.Store, clock *testkit.Clock) *Env {
	return &Env{
		T: t, Clock: clock, Store: st,
		Grants: grant.New(st, clock.Now), Admins: admins.New(st, clock.Now), Links: adminlink.NewLinks(st, clock.Now),
	}
}

// Notify records a notification; it is the surface's notifier hook.
func (e *Env) Notify(_ context.Context, tenant, event string, payload any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.notes = append(e.notes, Note{tenant, event, payload})
}

// Notes returns the notifications so far, oldest first.
func (e *Env) Notes() []Note {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Note(nil), e.notes...)
}

// SetAdmins makes list the tenant's admins, as the app would.
func (e *Env) SetAdmins(tenant string, list ...admins.Admin) {
	e.T.Helper()
	if _, err := e.Admins.Set(testkit.Context(e.T), tenant, list, store.Actor{ID: "app"}); err != nil {
		e.T.Fatal(err)
	}
}

// SetTestAdmins registers Ana and Vic for acme and Gus for globex.
func (e *Env) SetTestAdmins() {
	e.T.Helper()
	e.SetAdmins("acme", Ana, Vic)
	e.SetAdmins("globex", Gus)
}

// Head is the tenant's audit head, to show a refusal wrote nothing.
func (e *Env) Head(tenant string) store.Head {
	e.T.Helper()
	h, err := e.Store.AuditHead(testkit.Context(e.T), tenant)
	if err != nil {
		e.T.Fatal(err)
	}
	return h
}

// EventTypes lists the types of the tenant's audit events, in order.
func (e *Env) EventTypes(tenant string) []string {
	e.T.Helper()
	es, err := e.Store.Events(testkit.Context(e.T), tenant, store.EventQuery{Limit: store.MaxPageSize})
	if err != nil {
		e.T.Fatal(err)
	}
	var out []string
	for _, ev := range es {
		out = append(out, ev.Type)
	}
	return out
}
