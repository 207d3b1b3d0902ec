package appapi_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// The support agents who ask for access.
var (
	bob  = store.Agent{Subject: "bob", Issuer: "https://idp.test", Email: "bob@support.test", Name: "Bob"}
	carl = store.Agent{Subject: "carl", Issuer: "https://idp.test", Email: "carl@support.test"}
	dan  = store.Agent{Subject: "dan", Issuer: "https://idp.test", Email: "dan@support.test"}
)

// olga is a second owner of acme, for requests two admins must approve.
var olga = admins.Admin{ID: "u_olga", Email: "olga@acme.test", Name: "Olga", Role: "owner"}

// requestsPage is the answer of the request listing.
type requestsPage struct {
	Requests []request.Request `json:"requests"`
}

// onBoth runs fn on a fresh bbolt file and on a fresh redis-server.
func onBoth(t *testing.T, fn func(t *testing.T, st store.Store)) {
	t.Run("bolt", func(t *testing.T) { fn(t, testkit.Bolt(t)) })
	t.Run("redis", func(t *testing.T) {
		_, s := testkit.NewRedis(t)
		fn(t, s)
	})
}

// ask stores agent's request to tenant for write access for 7d, as the
// agent console would; edit changes the ask first.
func (e *env) ask(tenant string, agent store.Agent, edit func(*request.Ask)) request.Request {
	e.t.Helper()
	a := request.Ask{
		Tenant: tenant, Agent: agent, Roles: []string{"support"},
		Reason: "customer reports a broken export", Ticket: "T-42",
		Scopes: []string{"write"}, Duration: "7d",
	}
	if edit != nil {
		edit(&a)
	}
	r, err := e.requests.Create(ctx(e.t), a)
	if err != nil {
		e.t.Fatalf("ask %s for access: %v", tenant, err)
	}
	return r
}

// decide posts body to /requests/{id}/{verb} and expects 200.
func (e *env) decide(id, verb, body string) request.Request {
	e.t.Helper()
	var r request.Request
	e.call(http.MethodPost, "/requests/"+id+"/"+verb, body, http.StatusOK, &r)
	return r
}

// listRequests reads the tenant's request listing with query.
func (e *env) listRequests(tenant, query string) []request.Request {
	e.t.Helper()
	var page requestsPage
	e.call(http.MethodGet, "/tenants/"+tenant+"/requests"+query, "", http.StatusOK, &page)
	return page.Requests
}

// ids lists the requests' ids in order.
func ids(rs []request.Request) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

// noGrant fails the test if the tenant has an active grant.
func (e *env) noGrant(tenant string) {
	e.t.Helper()
	if g, err := e.Grants.CurrentOrNil(ctx(e.t), tenant); err != nil || g != nil {
		e.t.Fatalf("tenant %s has grant %+v (%v), want none", tenant, g, err)
	}
}

// verify checks the tenant's audit chain and that it holds want, in
// that order, among its events.
func (e *env) verify(tenant string, want ...string) {
	e.t.Helper()
	if v, err := store.Verify(ctx(e.t), e.Store, tenant); err != nil || !v.OK {
		e.t.Fatalf("audit chain of %s: %+v, %v", tenant, v, err)
	}
	got := e.EventTypes(tenant)
	rest := got
	for _, w := range want {
		i := slices.Index(rest, w)
		if i < 0 {
			e.t.Fatalf("audit of %s is %v; want %v in that order", tenant, got, want)
		}
		rest = rest[i+1:]
	}
}

// noteEvents lists the events the notifier heard, in order.
func (e *env) noteEvents() []string {
	var out []string
	for _, n := range e.Notes() {
		out = append(out, n.Event)
	}
	return out
}
