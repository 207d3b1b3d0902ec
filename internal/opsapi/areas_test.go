package opsapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
)

func TestCreateAreaLimitedGrant(t *testing.T) {
	e, _ := newBoltEnv(t)
	g := e.create("acme", `{"duration":"7d","by":"dana","areas":["planning","calendar","planning"]}`)
	if want := []string{"calendar", "planning"}; !slices.Equal(g.Areas, want) {
		t.Fatalf("areas %v, want %v", g.Areas, want)
	}
	var page grantsPage
	e.call(http.MethodGet, "/lockbox/tenants/acme/grants", "", http.StatusOK, &page)
	if page.Active == nil || !slices.Equal(page.Active.Areas, g.Areas) {
		t.Fatalf("active grant %+v, want areas %v", page.Active, g.Areas)
	}
	var ev struct {
		Areas []string `json:"areas"`
	}
	var audit auditPage
	e.call(http.MethodGet, "/lockbox/tenants/acme/audit", "", http.StatusOK, &audit)
	if err := json.Unmarshal(audit.Events[0].Data, &ev); err != nil || !slices.Equal(ev.Areas, g.Areas) {
		t.Fatalf("created event data %s: %v", audit.Events[0].Data, err)
	}
}

func TestCreateWithoutAreasIsWholeApp(t *testing.T) {
	e, _ := newBoltEnv(t)
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
	e, _ := newBoltEnv(t)
	// One env for all rows, so no subtests: its helpers fail the outer test.
	for _, tt := range tests {
		before := e.snapshot("acme")
		e.callError(http.MethodPost, "/lockbox/tenants/acme/grants", `{"duration":"7d","by":"dana","areas":`+tt.areas+`}`, http.StatusBadRequest, "invalid_area")
		if after := e.snapshot("acme"); !before.equal(after) {
			t.Fatalf("%s: a refused create wrote to the store", tt.name)
		}
	}
}
