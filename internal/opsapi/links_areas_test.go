package opsapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/opsapi"
	"github.com/lockbox-gw/lockbox/internal/policy"
)

// siteAreas are the areas of the site links lead to in these tests.
var siteAreas = policy.Areas{"billing": {"/billing/*"}, "planning": {"/planning/*"}}

// areaLinks serves admins and links over e, with the site's areas as, and
// registers ana (owner) for acme.
func (e *env) areaLinks(as policy.Areas) {
	e.t.Helper()
	s := opsapi.LinkSettings{PublicURL: publicURL("https://app.example.test")}
	if as != nil {
		s.Areas = func() policy.Areas { return as }
	}
	e.serve(opsapi.WithAdmins(admins.New(e.store, e.clock.Now)), opsapi.WithLinks(adminlink.NewLinks(e.store, e.clock.Now), s))
	e.putAdmins("acme", anaJSON)
}

// linkClaims asks for a link with body and returns its verified claims.
func (e *env) linkClaims(body string) adminlink.Claims {
	e.t.Helper()
	var got linkAnswer
	e.call(http.MethodPost, "/lockbox/tenants/acme/admin-links", body, http.StatusCreated, &got)
	return e.verifyLink(got.URL)
}

func TestLinkLimitedToAreas(t *testing.T) {
	onStores(t, func(t *testing.T, e *env) {
		e.areaLinks(siteAreas)
		c := e.linkClaims(`{"admin_id":"a1","areas":["planning","billing","planning"]}`)
		if want := []string{"billing", "planning"}; !slices.Equal(c.Areas, want) || c.AdminID != "a1" || c.Tenant != "acme" {
			t.Fatalf("claims %+v, want areas %v", c, want)
		}
		for _, body := range []string{`{"admin_id":"a1"}`, `{"admin_id":"a1","areas":[]}`} {
			if c := e.linkClaims(body); len(c.Areas) != 0 {
				t.Fatalf("%s: areas %v, want none (the whole app)", body, c.Areas)
			}
		}
	})
}

func TestLinkAreasRefused(t *testing.T) {
	e, _ := newBoltEnv(t)
	e.areaLinks(siteAreas)
	post := func(name, areas string, code string) badRequest {
		return badRequest{name: name, method: "POST", path: "/lockbox/tenants/acme/admin-links",
			body: `{"admin_id":"a1","areas":` + areas + `}`, status: 400, code: code}
	}
	tests := []badRequest{
		post("unknown area", `["planning","payroll"]`, "unknown_area"),
		post("area in capitals", `["Planning"]`, "invalid_area"),
		post("empty name", `[""]`, "invalid_area"),
		post("path", `["../billing"]`, "invalid_area"),
		post("too many", `[`+strings.Repeat(`"planning",`, 64)+`"billing"]`, "invalid_area"),
		post("not a list", `"planning"`, "invalid_json"),
		post("a number", `[1]`, "invalid_json"),
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, _ := e.callError(tt.method, tt.path, tt.body, tt.status, tt.code)
			if tt.code == "unknown_area" && !strings.Contains(msg, "billing, planning") {
				t.Errorf("message %q does not name the known areas", msg)
			}
		})
	}
}

func TestLinkAreasOfSiteWithoutAreas(t *testing.T) {
	for name, as := range map[string]policy.Areas{"no function": nil, "none configured": {}} {
		t.Run(name, func(t *testing.T) {
			e, _ := newBoltEnv(t)
			e.areaLinks(as)
			e.callError(http.MethodPost, "/lockbox/tenants/acme/admin-links", `{"admin_id":"a1","areas":["planning"]}`, http.StatusBadRequest, "unknown_area")
			if c := e.linkClaims(`{"admin_id":"a1"}`); len(c.Areas) != 0 {
				t.Fatalf("areas %v", c.Areas)
			}
		})
	}
}
