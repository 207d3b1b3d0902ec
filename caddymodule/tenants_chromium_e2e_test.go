package caddymodule_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/chromiumtest"
)

// signInTab signs user in on the site's login host in tab, through the
// identity provider's form, and waits for the console.
func signInTab(tab *chromiumtest.Tab, site, user string) {
	tab.Navigate(site + "/_lockbox/login")
	tab.WaitText("body", "Or type a username and password")
	tab.SendKeys("#username", user)
	tab.SendKeys("#password", user)
	tab.Click("button[type=submit]:not([name])")
	tab.WaitText("body", "Tenants that granted access")
}

// enterTab presses the console's Enter button of tenant and waits for
// the app's answer, which names the tenant.
func enterTab(tab *chromiumtest.Tab, site, tenant string) {
	tab.Navigate(site + "/_lockbox/")
	tab.Click(`form[action="/_lockbox/sessions"]:has(input[type="hidden"][name="tenant"][value="` + tenant + `"]) button`)
	tab.WaitText("body", `"X-Lockbox-Tenant":["`+tenant+`"]`)
}

func TestTenantHostsInChromium(t *testing.T) {
	t.Parallel()
	e := newTenantEnv(t, true)
	gw := e.gw()
	gw.grant("acme", "--for", "1d", "--scopes", "read,write")
	gw.grant("globex", "--for", "1d", "--scopes", "read")
	browser := chromiumtest.New(t)

	// Bob signs in once, on the login host, and enters acme: the browser
	// lands on acme's own host.
	bob := browser.Tab("bob")
	signInTab(bob, gw.site, "bob")
	bob.WaitText("body", e.tenantURL("acme", "/"), e.tenantURL("globex", "/"))
	bob.Shot("console")
	enterTab(bob, gw.site, "acme")
	if u, _ := url.Parse(bob.Location()); u.Host != fmt.Sprintf("acme.localhost:%d", gw.port) || u.Path != "/" {
		bob.Fail("entering acme landed on %s", u)
	}
	bob.Navigate(e.tenantURL("acme", "/orders/7"))
	bob.WaitText("body", `"X-Lockbox-Tenant":["acme"]`, `"X-Lockbox-Agent":["bob@support.example"]`)
	bob.Shot("acme")

	// globex's host gets nothing of bob's session.
	bob.Navigate(e.tenantURL("globex", "/"))
	if got := bob.WaitText("body", `"uri":"/"`); strings.Contains(got, "X-Lockbox") {
		bob.Fail("globex's host got bob's identity: %s", got)
	}

	// Alice works in globex, in a window of her own.
	alice := bob.Private("alice")
	signInTab(alice, gw.site, "alice")
	enterTab(alice, gw.site, "globex")

	// Revoking acme bites at once on acme's host; globex goes on.
	gw.revoke("acme", "case closed")
	bob.Navigate(e.tenantURL("acme", "/orders/7"))
	bob.WaitText("body", "Access revoked")
	bob.Shot("acme-revoked")
	alice.Navigate(e.tenantURL("globex", "/next"))
	alice.WaitText("body", `"X-Lockbox-Tenant":["globex"]`, `"uri":"/next"`)

	// Bob enters globex from the same login and works there; his acme
	// cookie no longer reaches the app.
	enterTab(bob, gw.site, "globex")
	bob.Navigate(e.tenantURL("acme", "/"))
	if got := bob.Text("body"); strings.Contains(got, "X-Lockbox-Tenant") {
		bob.Fail("acme's host still sent an identity: %s", got)
	}
	bob.Navigate(e.tenantURL("globex", "/"))
	bob.WaitText("body", `"X-Lockbox-Tenant":["globex"]`, `"X-Lockbox-Agent":["bob@support.example"]`)
}

func TestTenantPathsInChromium(t *testing.T) {
	t.Parallel()
	e := newTenantEnv(t, false)
	gw := e.gw()
	gw.grant("acme", "--for", "1d", "--scopes", "read,write")
	gw.grant("globex", "--for", "1d", "--scopes", "read")
	browser := chromiumtest.New(t)

	bob := browser.Tab("bob")
	signInTab(bob, gw.site, "bob")
	bob.WaitText("body", "/t/acme/", "/t/globex/")
	enterTab(bob, gw.site, "acme")
	if u, _ := url.Parse(bob.Location()); u.Path != "/t/acme/" {
		bob.Fail("entering acme landed on %s", u)
	}
	bob.Navigate(gw.site + "/t/acme/orders/7")
	bob.WaitText("body", `"X-Lockbox-Tenant":["acme"]`, `"uri":"/t/acme/orders/7"`)
	hits := e.app.hits()
	bob.Navigate(gw.site + "/t/globex/orders/7")
	bob.WaitText("body", "belongs to globex", "your support session is in acme")
	bob.Shot("globex-refused")
	e.untouched(t, hits, "acme's session on globex's path")

	alice := bob.Private("alice")
	signInTab(alice, gw.site, "alice")
	enterTab(alice, gw.site, "globex")

	gw.revoke("acme", "case closed")
	bob.Navigate(gw.site + "/t/acme/orders/7")
	bob.WaitText("body", "Access revoked")
	alice.Navigate(gw.site + "/t/globex/next")
	alice.WaitText("body", `"X-Lockbox-Tenant":["globex"]`, `"uri":"/t/globex/next"`)

	enterTab(bob, gw.site, "globex")
	bob.Navigate(gw.site + "/t/globex/")
	bob.WaitText("body", `"X-Lockbox-Tenant":["globex"]`, `"X-Lockbox-Agent":["bob@support.example"]`)
}
