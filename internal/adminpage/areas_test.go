package adminpage_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

// testAreas are the areas every test page is configured with.
var testAreas = policy.Areas{
	"planning": {"/planning*"},
	"calendar": {"/calendar*"},
	"billing":  {"/billing*"},
}

// areaLink is a link for ana on acme that lets her grant only areas.
func (e *env) areaLink(areas ...string) string {
	e.t.Helper()
	u, _, err := e.Links.Link(ctx(e.t), e.srv.URL, "/_lockbox", adminlink.Claims{
		Tenant: "acme", AdminID: ana.ID, Role: ana.Role, ExpiresAt: e.Clock.Now().Add(24 * time.Hour), Areas: areas,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func TestGrantAreasFromTheForm(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	c, p := e.signedIn()
	r := c.post(page+"/grants", c.form(p, grantForm(url.Values{"area": {"planning", "billing"}})))
	if r.status != http.StatusSeeOther {
		t.Fatalf("grant: %d %.300s", r.status, r.body)
	}
	if g := e.active(); g == nil || !slices.Equal(g.Areas, []string{"billing", "planning"}) {
		t.Fatalf("active grant: %+v", g)
	}
	r = c.post(page+"/grants", c.form(p, grantForm(url.Values{"area": {"nowhere"}})))
	if r.status < 400 {
		t.Fatalf("unknown area accepted: %d", r.status)
	}
}

func TestLinkAreasLimitWhatMayBeGranted(t *testing.T) {
	tests := []struct {
		name  string
		areas []string
		ok    bool
	}{
		{"subset", []string{"planning"}, true},
		{"all of the link's areas", []string{"planning", "calendar"}, true},
		{"the whole app", nil, false},
		{"another area", []string{"billing"}, false},
		{"one inside, one outside", []string{"planning", "billing"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tenantadmin.Rules{})
			c := e.client()
			p := c.open(e.areaLink("planning", "calendar"))
			r := c.post(page+"/grants", c.form(p, grantForm(url.Values{"area": tt.areas})))
			switch {
			case tt.ok && r.status != http.StatusSeeOther:
				t.Fatalf("grant of %v: %d %.300s", tt.areas, r.status, r.body)
			case !tt.ok && r.status != http.StatusForbidden:
				t.Fatalf("grant of %v: %d, want 403: %.300s", tt.areas, r.status, r.body)
			case !tt.ok && e.active() != nil:
				t.Fatalf("refused grant was written: %+v", e.active())
			}
		})
	}
}
