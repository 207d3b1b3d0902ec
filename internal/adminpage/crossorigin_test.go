package adminpage_test

import (
	"net/http"
	"testing"

	"net/url"

	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

// TestCrossSiteFetchIsRefused: a POST a browser marks as sent by another
// site is refused before any token is looked at, even with the page's
// CSRF token or a link's token and the page's own Origin.
func TestCrossSiteFetchIsRefused(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	c, p := e.signedIn()
	before := e.eventCount("acme")
	crossSite := http.Header{"Origin": {e.srv.URL}, "Sec-Fetch-Site": {"cross-site"}}
	for _, path := range []string{"/grants", "/revoke", "/signout"} {
		must(t, c.do(http.MethodPost, page+path, c.form(p, grantForm(nil)), crossSite), http.StatusForbidden, "Form refused")
	}
	if e.active() != nil || e.eventCount("acme") != before {
		t.Fatal("a cross-site form changed something")
	}
	must(t, c.page(), http.StatusOK, "") // still signed in

	link := e.link("acme", ana)
	r := e.client().do(http.MethodPost, page+"/open", url.Values{"token": {mustToken(t, link)}}, crossSite)
	must(t, r, http.StatusForbidden, "did not come from the Support Access link")
	if e.spent(link) {
		t.Fatal("a cross-site Continue spent the link")
	}
	e.client().open(link)
}
