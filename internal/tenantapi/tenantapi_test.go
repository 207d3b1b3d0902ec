package tenantapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenantapi"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// change is one call of Caller.Changed.
type change struct {
	tenant, event, by string
}

// serve returns a server of h's routes over a bbolt file, with hooks
// that name actor as the actor of every change and record the changes.
func serve(t *testing.T, h *tenantapi.Handlers, actor string, changes *[]change) *httptest.Server {
	t.Helper()
	st := testkit.Bolt(t)
	now := time.Now().UTC()
	h.Grants = grant.New(st, func() time.Time { return now })
	by := store.Actor{ID: actor}
	h.Caller = tenantapi.Caller{
		GrantRequest: func(_ http.ResponseWriter, _ *http.Request, tn string) (grant.CreateRequest, error) {
			return grant.CreateRequest{Tenant: tn, Scopes: []string{"read"}, Standing: true, By: by}, nil
		},
		Revoker: func(_ http.ResponseWriter, _ *http.Request, _ string) (store.Actor, string, error) {
			return by, "done", nil
		},
		AdminsSetter: func(_ http.ResponseWriter, _ *http.Request, _ string) ([]admins.Admin, store.Actor, error) {
			return nil, by, nil
		},
	}
	if changes != nil {
		h.Caller.Changed = func(_ *http.Request, tn, event string, g store.Grant) {
			*changes = append(*changes, change{tn, event, g.CreatedBy.ID})
		}
	}
	rt := h.Resp.Route
	mux := httpjson.NewMux([]httpjson.Route{
		rt(http.MethodPost, "/tenants/{tenant}/grants", h.CreateGrant),
		rt(http.MethodDelete, "/tenants/{tenant}/grants/{id}", h.RevokeGrant),
		rt(http.MethodGet, "/tenants/{tenant}/admins", h.GetAdmins),
		rt(http.MethodPut, "/tenants/{tenant}/admins", h.PutAdmins),
	}, httpjson.NotFound("test API"))
	return testkit.Serve(t, mux)
}

func call(t *testing.T, srv *httptest.Server, method, path string) (int, string) {
	t.Helper()
	r := testkit.Send(t, srv.Client(), method, srv.URL+path, strings.NewReader(`{}`), http.Header{"Content-Type": {"application/json"}})
	var body json.RawMessage
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("%s %s: decode: %v", method, path, err)
	}
	return r.Status, string(body)
}

// The caller's hooks name the actor and hear of each stored change.
func TestCallerNamesActorAndHearsChanges(t *testing.T) {
	var changes []change
	srv := serve(t, &tenantapi.Handlers{Resp: httpjson.Responder{API: "test api"}}, "ops:dana", &changes)

	if code, body := call(t, srv, http.MethodPost, "/tenants/acme/grants"); code != http.StatusCreated || !strings.Contains(body, `"ops:dana"`) {
		t.Fatalf("create: %d %s", code, body)
	}
	if code, body := call(t, srv, http.MethodDelete, "/tenants/acme/grants/"+tenantapi.CurrentID); code != http.StatusOK || !strings.Contains(body, `"done"`) {
		t.Fatalf("revoke current: %d %s", code, body)
	}
	want := []change{{"acme", grant.EventCreated, "ops:dana"}, {"acme", grant.EventRevoked, "ops:dana"}}
	if len(changes) != len(want) || changes[0] != want[0] || changes[1] != want[1] {
		t.Fatalf("changes = %+v; want %+v", changes, want)
	}
}

// Without Changed nothing is told; without Admins the admin routes
// answer 503 rather than panic.
func TestHandlersWithoutOptionalParts(t *testing.T) {
	srv := serve(t, &tenantapi.Handlers{Resp: httpjson.Responder{API: "test api"}}, "app", nil)
	if code, body := call(t, srv, http.MethodPost, "/tenants/acme/grants"); code != http.StatusCreated {
		t.Fatalf("create without Changed: %d %s", code, body)
	}
	for _, m := range []string{http.MethodGet, http.MethodPut} {
		if code, body := call(t, srv, m, "/tenants/acme/admins"); code != http.StatusServiceUnavailable || !strings.Contains(body, "admins_unavailable") {
			t.Errorf("%s admins without a registry: %d %s", m, code, body)
		}
	}
}
