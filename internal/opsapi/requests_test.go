package opsapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/opsapi"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// onStores runs fn on a fresh env over a bbolt file and over a real
// redis-server.
func onStores(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Run("bolt", func(t *testing.T) {
		e, _ := newBoltEnv(t)
		fn(t, e)
	})
	t.Run("redis", func(t *testing.T) {
		fn(t, newRedisEnv(t))
	})
}

// serveRequests serves the API with a request service over the env's
// store and clock, and returns the service for the test to drive.
func (e *env) serveRequests() *request.Service {
	e.t.Helper()
	svc, err := request.New(grant.New(e.store, e.clock.Now), request.Config{})
	if err != nil {
		e.t.Fatal(err)
	}
	e.serve(opsapi.WithRequests(svc))
	return svc
}

// ask files a request of agent sub to the tenant.
func (e *env) ask(svc *request.Service, tenant, sub string) request.Request {
	e.t.Helper()
	r, err := svc.Create(ctx(e.t), request.Ask{
		Tenant: tenant, Agent: store.Agent{Issuer: "https://idp.test", Subject: sub, Email: sub + "@support.test"},
		Reason: "customer ticket", Scopes: []string{"read"}, Duration: "1d",
	})
	if err != nil {
		e.t.Fatalf("ask as %s: %v", sub, err)
	}
	return r
}

// requestsAnswer is the answer of the requests listing.
type requestsAnswer struct {
	Requests []request.Request `json:"requests"`
}

// listed returns the ids and states the listing at path answers.
func (e *env) listed(path string) (ids, states []string) {
	e.t.Helper()
	var got requestsAnswer
	e.call(http.MethodGet, path, "", http.StatusOK, &got)
	if got.Requests == nil {
		e.t.Fatalf("%s: requests is null, want a list", path)
	}
	for _, r := range got.Requests {
		ids, states = append(ids, r.ID), append(states, r.State)
	}
	return ids, states
}

func TestListRequests(t *testing.T) {
	onStores(t, func(t *testing.T, e *env) {
		svc := e.serveRequests()
		old := e.ask(svc, "acme", "u1")
		e.clock.Add(request.DefaultTTL + time.Minute)
		approved, denied, pending := e.ask(svc, "acme", "u2"), e.ask(svc, "acme", "u3"), e.ask(svc, "acme", "u4")
		e.ask(svc, "globex", "u5")
		admin := store.Actor{ID: "a1", Email: "ana@acme.example"}
		if _, err := svc.Approve(ctx(t), "acme", approved.ID, request.Decision{By: admin}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Deny(ctx(t), "acme", denied.ID, request.Decision{By: admin, Message: "not now"}); err != nil {
			t.Fatal(err)
		}

		ids, states := e.listed("/lockbox/tenants/acme/requests")
		if want := []string{pending.ID, denied.ID, approved.ID, old.ID}; !slices.Equal(ids, want) {
			t.Fatalf("ids %v, want %v (newest first, acme's only)", ids, want)
		}
		if want := []string{"pending", "denied", "approved", "expired"}; !slices.Equal(states, want) {
			t.Fatalf("states %v, want %v", states, want)
		}
		if ids, _ := e.listed("/lockbox/tenants/acme/requests?limit=2"); !slices.Equal(ids, []string{pending.ID, denied.ID}) {
			t.Fatalf("limit 2: %v", ids)
		}
		if ids, _ := e.listed("/lockbox/tenants/initech/requests"); len(ids) != 0 {
			t.Fatalf("a tenant nobody asked lists %v", ids)
		}
	})
}

func TestListRequestsByState(t *testing.T) {
	onStores(t, func(t *testing.T, e *env) {
		svc := e.serveRequests()
		old := e.ask(svc, "acme", "u1")
		e.clock.Add(request.DefaultTTL + time.Minute)
		approved := e.ask(svc, "acme", "u2")
		if _, err := svc.Approve(ctx(t), "acme", approved.ID, request.Decision{By: store.Actor{ID: "a1"}}); err != nil {
			t.Fatal(err)
		}
		denied := e.ask(svc, "acme", "u3")
		if _, err := svc.Deny(ctx(t), "acme", denied.ID, request.Decision{By: store.Actor{ID: "a1"}}); err != nil {
			t.Fatal(err)
		}
		pending := e.ask(svc, "acme", "u4")
		// Left past its lifetime with nobody looking: it lists as expired.
		e.clock.Add(request.DefaultTTL - time.Minute)
		fresh := e.ask(svc, "acme", "u5")
		e.clock.Add(2 * time.Minute)

		tests := []struct {
			state string
			want  []string
		}{
			{"pending", []string{fresh.ID}},
			{"approved", []string{approved.ID}},
			{"denied", []string{denied.ID}},
			{"expired", []string{pending.ID, old.ID}},
		}
		for _, tt := range tests {
			ids, states := e.listed("/lockbox/tenants/acme/requests?state=" + tt.state)
			if !slices.Equal(ids, tt.want) || slices.ContainsFunc(states, func(s string) bool { return s != tt.state }) {
				t.Fatalf("state=%s: %v %v, want %v", tt.state, ids, states, tt.want)
			}
		}
		// The limit counts matches, not the newest requests read.
		if ids, _ := e.listed("/lockbox/tenants/acme/requests?state=expired&limit=1"); !slices.Equal(ids, []string{pending.ID}) {
			t.Fatalf("expired, limit 1: %v", ids)
		}
		if ids, _ := e.listed("/lockbox/tenants/acme/requests?limit=1&state=approved"); !slices.Equal(ids, []string{approved.ID}) {
			t.Fatalf("approved, limit 1: %v", ids)
		}
	})
}

func TestListRequestsRefused(t *testing.T) {
	e, _ := newBoltEnv(t)
	svc := e.serveRequests()
	e.ask(svc, "acme", "u1")
	get := func(name, path string, status int, code string) badRequest {
		return badRequest{name: name, method: "GET", path: path, status: status, code: code}
	}
	long := strings.Repeat("a", 64)
	tests := []badRequest{
		get("uppercase tenant", "/lockbox/tenants/ACME/requests", 400, "invalid_tenant"),
		get("escaped slash in tenant", "/lockbox/tenants/acme%2Fx/requests", 400, "invalid_tenant"),
		get("dot dot tenant", "/lockbox/tenants/%2E%2E/requests", 400, "invalid_tenant"),
		get("64 character tenant", "/lockbox/tenants/"+long+"/requests", 400, "invalid_tenant"),
		get("space in tenant", "/lockbox/tenants/ac%20me/requests", 400, "invalid_tenant"),
		get("nul in tenant", "/lockbox/tenants/ac%00me/requests", 400, "invalid_tenant"),
		get("unicode tenant", "/lockbox/tenants/%C3%A4cme/requests", 400, "invalid_tenant"),
		get("unknown state", "/lockbox/tenants/acme/requests?state=open", 400, "invalid_query"),
		get("state in capitals", "/lockbox/tenants/acme/requests?state=PENDING", 400, "invalid_query"),
		get("empty state", "/lockbox/tenants/acme/requests?state=", 400, "invalid_query"),
		get("state twice", "/lockbox/tenants/acme/requests?state=pending&state=denied", 400, "invalid_query"),
		get("limit zero", "/lockbox/tenants/acme/requests?limit=0", 400, "invalid_query"),
		get("limit too big", "/lockbox/tenants/acme/requests?limit=1001", 400, "invalid_query"),
		get("limit not a number", "/lockbox/tenants/acme/requests?limit=ten", 400, "invalid_query"),
		get("unknown parameter", "/lockbox/tenants/acme/requests?tenant=globex", 400, "invalid_query"),
		{name: "post", method: "POST", path: "/lockbox/tenants/acme/requests", body: `{}`, status: 405, code: "method_not_allowed", allow: "GET, HEAD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.snapshot("acme")
			_, r := e.callError(tt.method, tt.path, tt.body, tt.status, tt.code)
			if got := r.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
			if after := e.snapshot("acme"); !before.equal(after) {
				t.Errorf("refused request wrote to the store")
			}
		})
	}
}

func TestListRequestsWithoutService(t *testing.T) {
	e, _ := newBoltEnv(t)
	e.callError(http.MethodGet, "/lockbox/tenants/acme/requests", "", http.StatusServiceUnavailable, "requests_unavailable")
	// The tenant id is checked first, service or not.
	e.callError(http.MethodGet, "/lockbox/tenants/a%2Fb/requests", "", http.StatusBadRequest, "invalid_tenant")
}
