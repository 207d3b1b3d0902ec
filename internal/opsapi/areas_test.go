package opsapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/opsapi"
	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/testkit/apitest"
)

// grantAreas are the areas the configured sites define in these tests.
var grantAreas = policy.Areas{"calendar": {"/calendar*"}, "planning": {"/planning*"}}

// areasEnv serves the API with the sites' areas grantAreas.
func areasEnv(t *testing.T) *env {
	t.Helper()
	e, _ := newBoltEnv(t)
	e.serve(opsapi.WithAreas(func() policy.Areas { return grantAreas }))
	return e
}

func TestCreateAreaLimitedGrant(t *testing.T) {
	e := areasEnv(t)
	g := e.create("acme", `{"duration":"7d","by":"dana","areas":["planning","calendar","planning"]}`)
	if want := []string{"calendar", "planning"}; !slices.Equal(g.Areas, want) {
		t.Fatalf("areas %v, want %v", g.Areas, want)
	}
	var page apitest.GrantsPage
	e.call(http.MethodGet, "/lockbox/tenants/acme/grants", "", http.StatusOK, &page)
	if page.Active == nil || !slices.Equal(page.Active.Areas, g.Areas) {
		t.Fatalf("active grant %+v, want areas %v", page.Active, g.Areas)
	}
	var ev struct {
		Areas []string `json:"areas"`
	}
	var audit apitest.AuditPage
	e.call(http.MethodGet, "/lockbox/tenants/acme/audit", "", http.StatusOK, &audit)
	if err := json.Unmarshal(audit.Events[0].Data, &ev); err != nil || !slices.Equal(ev.Areas, g.Areas) {
		t.Fatalf("created event data %s: %v", audit.Events[0].Data, err)
	}
}

func TestCreateWithoutAreasIsWholeApp(t *testing.T) {
	e := areasEnv(t)
	for _, body := range []string{`{"duration":"7d","by":"dana"}`, `{"duration":"7d","by":"dana","areas":[]}`} {
		if g := e.create("acme", body); g.Areas != nil {
			t.Fatalf("%s: areas %v, want none", body, g.Areas)
		}
	}
}

func TestCreateBadAreaWritesNothing(t *testing.T) {
	tests := []struct {
		name  string
		areas string
	}{
		{"upper case", `["Planning"]`},
		{"empty name", `[""]`},
		{"path", `["../x"]`},
		{"too long", `["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]`},
	}
	e := areasEnv(t)
	// One env for all rows, so no subtests: its helpers fail the outer test.
	for _, tt := range tests {
		before := e.snapshot("acme")
		e.callError(http.MethodPost, "/lockbox/tenants/acme/grants", `{"duration":"7d","by":"dana","areas":`+tt.areas+`}`, http.StatusBadRequest, "invalid_area")
		if after := e.snapshot("acme"); !before.equal(after) {
			t.Fatalf("%s: a refused create wrote to the store", tt.name)
		}
	}
}

// TestCreateUnknownAreaReplacesNothing: an area no site defines is
// refused, and the tenant's active grant, its history and audit trail
// stay as they were. Without site areas every named area is unknown.
func TestCreateUnknownAreaReplacesNothing(t *testing.T) {
	e := areasEnv(t)
	active := e.create("acme", `{"duration":"7d","by":"dana"}`)
	for _, areas := range []string{`["billing"]`, `["planning","billing"]`, `["Billing"]`} {
		before := e.snapshot("acme")
		code := "unknown_area"
		if areas == `["Billing"]` {
			code = "invalid_area"
		}
		e.callError(http.MethodPost, "/lockbox/tenants/acme/grants", `{"duration":"7d","by":"dana","areas":`+areas+`}`, http.StatusBadRequest, code)
		if after := e.snapshot("acme"); !before.equal(after) {
			t.Fatalf("areas %s: a refused create wrote to the store", areas)
		}
	}
	var page apitest.GrantsPage
	e.call(http.MethodGet, "/lockbox/tenants/acme/grants", "", http.StatusOK, &page)
	if page.Active == nil || page.Active.ID != active.ID {
		t.Fatalf("active grant %+v, want %s unchanged", page.Active, active.ID)
	}
	msg, _ := e.callError(http.MethodPost, "/lockbox/tenants/acme/grants", `{"duration":"7d","by":"dana","areas":["billing"]}`, http.StatusBadRequest, "unknown_area")
	if !strings.Contains(msg, "calendar, planning") {
		t.Errorf("message %q does not name the known areas", msg)
	}

	none, _ := newBoltEnv(t)
	none.callError(http.MethodPost, "/lockbox/tenants/acme/grants", `{"duration":"7d","by":"dana","areas":["planning"]}`, http.StatusBadRequest, "unknown_area")
}
