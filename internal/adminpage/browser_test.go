package adminpage_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/lockbox-gw/lockbox/internal/admins"
)

// loginTime is how the page shows a time.
var loginTime = regexp.MustCompile(`\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC`)

// TestConsentLoopInChromium runs the whole consent loop in a real
// browser: a tenant admin opens a signed link on a phone-sized screen
// and grants read-only access for 7 days; a support agent, in a browser
// context of their own, signs in at the identity provider, enters the
// tenant and uses the app; the admin sees the visit and its requests,
// then revokes, and the agent's next page is refused.
func TestConsentLoopInChromium(t *testing.T) {
	b := newChromium(t)
	s := newSite(t, siteOptions{})
	ana := admins.Admin{ID: "u_ana", Email: "ana@acme.example", Name: "Ana Admin", Role: "owner"}
	link := s.adminLink("acme", ana)
	pageURL := s.srv.URL + "/_lockbox/admin"

	admin := b.firstTab("admin")
	admin.do("emulating a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	admin.navigate(link)
	admin.waitText("#status", "Support has no access to acme")
	if loc := admin.location(); loc != pageURL {
		t.Fatalf("after opening the link the address is %q, want %q", loc, pageURL)
	}
	admin.shot("01-admin-opened-link")

	admin.click(`input[name="duration"][value="7d"]`)
	admin.sendKeys("#note", "Ticket 4711 <b>urgent</b>")
	admin.click("#grant-submit")
	admin.waitText("#flash", "Support access granted.")
	status := admin.waitText("#status", "Support can access acme", "(7 days left)", "Read-only, personal data masked", "Granted by ana@acme.example")
	if !loginTime.MatchString(status) {
		t.Fatalf("status without an end time: %q", status)
	}
	admin.waitText("#grants", "by ana@acme.example", "Note: Ticket 4711 <b>urgent</b>", "for 7 days", "active")
	admin.shot("02-admin-granted-7-days")

	agent := admin.privateTab("agent")
	agent.navigate(pageURL)
	agent.waitText("h1", "Your Support Access link has expired") // no cookie of the admin's
	agent.navigate(s.srv.URL + "/_lockbox/login")
	agent.sendKeys("#username", "bob")
	agent.sendKeys("#password", "bob")
	agent.shot("03-agent-identity-provider")
	agent.do("signing in", chromedp.Submit(chromedp.CSS("#password")))
	agent.waitText("main", "Tenants that granted access", "acme", "read")
	agent.shot("04-agent-console")
	agent.click(`form[action="/_lockbox/sessions"] button`)
	agent.waitText("#tenant", "acme")
	agent.navigate(s.srv.URL + "/customers/42")
	agent.waitText("#scopes", "read")
	if got := agent.text("#path"); got != "/customers/42" {
		t.Fatalf("the app shows %q", got)
	}
	agent.shot("05-agent-in-the-app")

	visits := admin.reloadUntil(pageURL, "#sessions", "Bob Operator (bob@support.example)", "active", "2")
	if !loginTime.MatchString(visits) {
		t.Fatalf("visits without a login time: %q", visits)
	}
	admin.shot("06-admin-sees-the-visit")
	admin.click("#sessions a")
	admin.waitText("#visit", "active")
	visitURL := admin.location()
	admin.reloadUntil(visitURL, "#requests", "entered acme", "GET /customers/42", "200")
	admin.shot("07-admin-sees-the-requests")

	admin.navigate(pageURL)
	admin.sendKeys("#reason", "Case closed")
	admin.click("#revoke")
	admin.waitText("#flash", "Support access revoked.")
	admin.waitText("#status", "Support has no access to acme")
	admin.waitText("#grants", "revoked", "by ana@acme.example", "Reason: Case closed")
	admin.shot("08-admin-revoked")

	agent.navigate(s.srv.URL + "/customers/43")
	agent.waitText("main", "Access revoked", "acme revoked support access")
	agent.shot("09-agent-access-revoked")
	if s.app.served("/customers/43") {
		t.Fatal("the app served a request after the revocation")
	}
	admin.reloadUntil(pageURL, "#sessions", "access revoked")
	admin.shot("10-admin-visit-ended")
	if strings.Contains(admin.location(), "token=") {
		t.Fatal("the token came back into the address bar")
	}
}
