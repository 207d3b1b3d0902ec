package opsapi_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/opsapi"
	"github.com/lockbox-gw/lockbox/internal/testkit/apitest"
)

// serve replaces the env's API with one made with opts, over the same
// store and clock.
func (e *env) serve(opts ...opsapi.Option) {
	e.srv.Close()
	e.srv = httptest.NewServer(opsapi.New(grant.New(e.store, e.clock.Now), opts...))
}

// adminsEnv serves the API with the admins registry over a fresh env.
func adminsEnv(t *testing.T) *env {
	t.Helper()
	e, _ := newBoltEnv(t)
	e.serve(opsapi.WithAdmins(admins.New(e.store, e.clock.Now)))
	return e
}

// adminsAnswer is the answer of both admin routes.
type adminsAnswer struct {
	Admins []admins.Admin `json:"admins"`
}

const (
	anaJSON = `{"id":"a1","email":"ana@acme.example","name":"Ana Admin","role":"owner"}`
	bobJSON = `{"id":"a2","email":"bob@acme.example","role":"viewer"}`
)

var (
	ana = admins.Admin{ID: "a1", Email: "ana@acme.example", Name: "Ana Admin", Role: "owner"}
	bob = admins.Admin{ID: "a2", Email: "bob@acme.example", Role: "viewer"}
)

// putAdmins sets the tenant's admins through the API.
func (e *env) putAdmins(tenant string, list ...string) []admins.Admin {
	e.t.Helper()
	var got adminsAnswer
	body := `{"admins":[` + strings.Join(list, ",") + `],"by":"dana"}`
	e.call(http.MethodPut, "/lockbox/tenants/"+tenant+"/admins", body, http.StatusOK, &got)
	return got.Admins
}

func TestAdminsRoundTrip(t *testing.T) {
	e := adminsEnv(t)
	r := e.call(http.MethodGet, "/lockbox/tenants/acme/admins", "", http.StatusOK, nil)
	if got := strings.TrimSpace(string(r.Body)); got != `{"admins":[]}` {
		t.Fatalf("admins of a new tenant: %s", got)
	}
	if got := e.putAdmins("acme", anaJSON, bobJSON); !slices.Equal(got, []admins.Admin{ana, bob}) {
		t.Fatalf("PUT answered %+v", got)
	}
	var got adminsAnswer
	e.call(http.MethodGet, "/lockbox/tenants/acme/admins", "", http.StatusOK, &got)
	if !slices.Equal(got.Admins, []admins.Admin{ana, bob}) {
		t.Fatalf("GET = %+v", got.Admins)
	}
	e.call(http.MethodGet, "/lockbox/tenants/globex/admins", "", http.StatusOK, &got)
	if len(got.Admins) != 0 {
		t.Fatalf("another tenant sees %+v", got.Admins)
	}

	if got := e.putAdmins("acme"); got == nil || len(got) != 0 {
		t.Fatalf("clearing answered %#v", got)
	}
	var p apitest.AuditPage
	e.call(http.MethodGet, "/lockbox/tenants/acme/audit", "", http.StatusOK, &p)
	if len(p.Events) != 2 || p.Events[0].Type != admins.EventUpdated || p.Events[0].Actor.ID != "ops:dana" {
		t.Fatalf("audit trail %+v; want two admins.updated by ops:dana", p.Events)
	}
}

func TestAdminsRefused(t *testing.T) {
	e := adminsEnv(t)
	e.putAdmins("acme", anaJSON)
	put := func(name, body string, status int, code string) badRequest {
		return badRequest{name: name, method: "PUT", path: "/lockbox/tenants/acme/admins", body: body, status: status, code: code}
	}
	tests := []badRequest{
		put("no list", `{"by":"dana"}`, 400, "invalid_admins"),
		put("null list", `{"admins":null,"by":"dana"}`, 400, "invalid_admins"),
		put("no by", `{"admins":[]}`, 400, "invalid_actor"),
		put("bad email", `{"admins":[{"id":"a1","email":"ana","role":"owner"}],"by":"dana"}`, 400, "invalid_admins"),
		put("no role", `{"admins":[{"id":"a1","email":"ana@acme.example"}],"by":"dana"}`, 400, "invalid_admins"),
		put("twice", `{"admins":[`+anaJSON+`,`+anaJSON+`],"by":"dana"}`, 400, "invalid_admins"),
		put("operator id", `{"admins":[{"id":"ops:x","email":"x@acme.example","role":"owner"}],"by":"dana"}`, 400, "invalid_admins"),
		put("unknown field", `{"admins":[{"id":"a1","email":"ana@acme.example","role":"owner","phone":"1"}],"by":"dana"}`, 400, "invalid_json"),
		put("a list body", `[`+anaJSON+`]`, 400, "invalid_json"),
		put("over the cap", `{"admins":[],"by":"`+strings.Repeat("d", 300<<10)+`"}`, 413, "body_too_large"),
		{name: "bad tenant", method: "PUT", path: "/lockbox/tenants/ACME/admins", body: `{"admins":[],"by":"dana"}`, status: 400, code: "invalid_tenant"},
		{name: "query", method: "GET", path: "/lockbox/tenants/acme/admins?role=owner", status: 400, code: "invalid_query"},
		{name: "post", method: "POST", path: "/lockbox/tenants/acme/admins", body: `{}`, status: 405, code: "method_not_allowed", allow: "GET, HEAD, PUT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, r := e.callError(tt.method, tt.path, tt.body, tt.status, tt.code)
			if got := r.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
		})
	}
	var got adminsAnswer
	e.call(http.MethodGet, "/lockbox/tenants/acme/admins", "", http.StatusOK, &got)
	if !slices.Equal(got.Admins, []admins.Admin{ana}) {
		t.Fatalf("refused requests changed the admins: %+v", got.Admins)
	}
	if types := e.types("acme"); len(types) != 1 {
		t.Fatalf("refused requests were audited: %v", types)
	}
}

func TestAdminsWithoutRegistry(t *testing.T) {
	e, _ := newBoltEnv(t)
	e.callError(http.MethodGet, "/lockbox/tenants/acme/admins", "", http.StatusServiceUnavailable, "admins_unavailable")
	e.callError(http.MethodPut, "/lockbox/tenants/acme/admins", `{"admins":[],"by":"dana"}`, http.StatusServiceUnavailable, "admins_unavailable")
}
