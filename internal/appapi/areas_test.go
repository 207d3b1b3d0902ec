package appapi_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/appapi"
	"github.com/lockbox-gw/lockbox/internal/policy"
)

func withAreas(c *appapi.Config) {
	c.Areas = policy.Areas{"planning": {"/planning*"}, "calendar": {"/calendar*"}}
}

func TestCreateWithAreas(t *testing.T) {
	e := newEnv(t, withAreas)
	g := e.create(`{"duration":"1d","areas":["planning","calendar"],` + asAna + `}`)
	if !slices.Equal(g.Areas, []string{"calendar", "planning"}) {
		t.Fatalf("areas = %q", g.Areas)
	}
	if g := e.create(`{"duration":"1d",` + asAna + `}`); g.Areas != nil {
		t.Fatalf("grant without areas has %q", g.Areas)
	}
}

func TestCreateAreasRefused(t *testing.T) {
	e := newEnv(t, withAreas)
	tests := []struct {
		name   string
		body   string
		status int
		code   string
	}{
		{"unknown area", `{"duration":"1d","areas":["billing"],` + asAna + `}`, 400, "unknown_area"},
		{"malformed area", `{"duration":"1d","areas":["Planning"],` + asAna + `}`, 400, "unknown_area"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.callError(http.MethodPost, "/tenants/acme/grants", tt.body, tt.status, tt.code)
		})
	}
	e.callError(http.MethodPost, "/tenants/acme/admin-links", `{"admin_id":"u_ana","areas":["billing"]}`, 400, "unknown_area")
}
