package adminpage_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/chromiumtest"
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
	b := chromiumtest.New(t)
	s := newSite(t, siteOptions{})
	ana := admins.Admin{ID: "u_ana", Email: "ana@acme.example", Name: "Ana Admin", Role: "owner"}
	link := s.adminLink("acme", ana)
	pageURL := s.srv.URL + "/_lockbox/admin"

	admin := b.Tab("admin")
	admin.Do("emulating a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	admin.Navigate(link)
	admin.WaitText("#open", "Support Access to acme", "works once")
	admin.Shot("00-admin-link-continue")
	admin.Click("#continue")
	admin.WaitText("#status", "Support has no access to acme")
	if loc := admin.Location(); loc != pageURL {
		t.Fatalf("after opening the link the address is %q, want %q", loc, pageURL)
	}
	admin.Shot("01-admin-opened-link")

	admin.Click(`input[name="duration"][value="7d"]`)
	admin.SendKeys("#note", "Ticket 4711 <b>urgent</b>")
	admin.Click("#grant-submit")
	admin.WaitText("#flash", "Support access granted.")
	status := admin.WaitText("#status", "Support can access acme", "(7 days left)", "Read-only, personal data masked", "Granted by ana@acme.example")
	if !loginTime.MatchString(status) {
		t.Fatalf("status without an end time: %q", status)
	}
	admin.WaitText("#grants", "by ana@acme.example", "Note: Ticket 4711 <b>urgent</b>", "for 7 days", "active")
	admin.Shot("02-admin-granted-7-days")

	agent := admin.Private("agent")
	agent.Navigate(pageURL)
	agent.WaitText("h1", "Your Support Access link has expired") // no cookie of the admin's
	agent.Navigate(s.srv.URL + "/_lockbox/login")
	agent.SendKeys("#username", "bob")
	agent.SendKeys("#password", "bob")
	agent.Shot("03-agent-identity-provider")
	agent.Do("signing in", chromedp.Submit(chromedp.CSS("#password")))
	agent.WaitText("main", "Tenants that granted access", "acme", "read")
	agent.Shot("04-agent-console")
	agent.Click(`form[action="/_lockbox/sessions"] button`)
	agent.WaitText("#tenant", "acme")
	agent.Navigate(s.srv.URL + "/customers/42")
	agent.WaitText("#scopes", "read")
	if got := agent.Text("#path"); got != "/customers/42" {
		t.Fatalf("the app shows %q", got)
	}
	agent.Shot("05-agent-in-the-app")

	visits := admin.ReloadUntil(pageURL, "#sessions", "Bob Operator (bob@support.example)", "active", "2")
	if !loginTime.MatchString(visits) {
		t.Fatalf("visits without a login time: %q", visits)
	}
	admin.Shot("06-admin-sees-the-visit")
	admin.Click("#sessions a")
	admin.WaitText("#visit", "active")
	visitURL := admin.Location()
	admin.ReloadUntil(visitURL, "#requests", "entered acme", "GET /customers/42", "200")
	admin.Shot("07-admin-sees-the-requests")

	admin.Navigate(pageURL)
	admin.SendKeys("#reason", "Case closed")
	admin.Click("#revoke")
	admin.WaitText("#flash", "Support access revoked.")
	admin.WaitText("#status", "Support has no access to acme")
	admin.WaitText("#grants", "revoked", "by ana@acme.example", "Reason: Case closed")
	admin.Shot("08-admin-revoked")

	agent.Navigate(s.srv.URL + "/customers/43")
	agent.WaitText("main", "Access revoked", "acme revoked support access")
	agent.Shot("09-agent-access-revoked")
	if s.app.served("/customers/43") {
		t.Fatal("the app served a request after the revocation")
	}
	admin.ReloadUntil(pageURL, "#sessions", "access revoked")
	admin.Shot("10-admin-visit-ended")
	if strings.Contains(admin.Location(), "token=") {
		t.Fatal("the token came back into the address bar")
	}
}
