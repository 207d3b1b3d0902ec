package caddymodule_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/chromiumtest"
)

// TestDemoConsentLoopChromium walks the consent loop the demo's banner
// promises, with the printed Support Access link opened in Chromium:
// bob enters acme, acme's admin presses Continue and sees his visit,
// revokes (bob is refused at his next click), and grants access again.
func TestDemoConsentLoopChromium(t *testing.T) {
	t.Parallel()
	bin := lockboxBinary(t)
	d := startDemo(t, bin, isolatedEnv(t), t.TempDir())

	bob := newBrowser(t)
	console := signIn(t, bob, d, "bob")
	entered := bob.post(d.site("/_lockbox/sessions"), d.site(""), url.Values{"csrf": {hiddenField(t, console, "csrf")}, "tenant": {"acme"}})
	wantPage(t, "app after entering acme", entered, http.StatusOK, "Support agent bob@support.example is working in tenant acme")

	admin := chromiumtest.New(t).Tab("ada")
	admin.Navigate(d.adminLink())
	admin.WaitText("#open", "Support Access to acme", "Ada Lovelace")
	admin.Click("#continue")
	admin.WaitText("#status", "Support can access acme")
	admin.WaitText("#sessions", "bob@support.example", "active")
	admin.Shot("demo-support-access")

	admin.SendKeys("#reason", "demo over")
	admin.Click("#revoke")
	admin.WaitText("#status", "Support has no access to acme")
	wantPage(t, "bob after the revoke", bob.get(d.site("/")), http.StatusForbidden, "demo over")

	admin.Click("#grant-submit")
	admin.WaitText("#status", "Support can access acme")
	console = bob.get(d.console.String())
	entered = bob.post(d.site("/_lockbox/sessions"), d.site(""), url.Values{"csrf": {hiddenField(t, console, "csrf")}, "tenant": {"acme"}})
	wantPage(t, "bob entering after the new grant", entered, http.StatusOK, "Support agent bob@support.example is working in tenant acme")
}
