package adminpage_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

// areaBox is how the page draws the checkbox of one area.
func areaBox(name string) string {
	return `<input type="checkbox" name="area" value="` + name + `">`
}

func TestFormOffersEverySiteArea(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	_, p := e.signedIn()
	must(t, p, http.StatusOK, areaBox("billing"), areaBox("calendar"), areaBox("planning"), "Leave all unchecked to grant the whole app.")
}

func TestFormOffersOnlyTheLinksAreas(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	p := e.client().open(e.areaLink("planning", "calendar"))
	must(t, p, http.StatusOK, areaBox("calendar"), areaBox("planning"), "choose at least one")
	if strings.Contains(p.body, areaBox("billing")) || strings.Contains(p.body, "Leave all unchecked") {
		t.Fatalf("page offers more than the link allows: %.2000s", p.body)
	}
}

func TestCheckedAreasMakeAnAreaLimitedGrant(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	c, p := e.signedIn()
	r := c.post(page+"/grants", c.form(p, grantForm(url.Values{"area": {"planning", "calendar"}})))
	if r.status != http.StatusSeeOther {
		t.Fatalf("grant: %d %.300s", r.status, r.body)
	}
	g := e.active()
	if g == nil || strings.Join(g.Areas, ",") != "calendar,planning" {
		t.Fatalf("active grant: %+v", g)
	}
	p = c.page()
	must(t, p, http.StatusOK, "Read-only, personal data masked; only: calendar, planning.", "<div>only: calendar, planning</div>")
}

func TestUncheckedAreasGrantTheWholeApp(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	c, p := e.signedIn()
	if r := c.post(page+"/grants", c.form(p, grantForm(nil))); r.status != http.StatusSeeOther {
		t.Fatalf("grant: %d %.300s", r.status, r.body)
	}
	if g := e.active(); g == nil || len(g.Areas) != 0 {
		t.Fatalf("active grant: %+v", g)
	}
	if p = c.page(); strings.Contains(p.body, "only:") {
		t.Fatalf("whole-app grant shown as limited: %.2000s", p.body)
	}
}
