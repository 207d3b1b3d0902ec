package gateway_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lockbox-gw/lockbox/internal/chromiumtest"
)

// primaryButtons are the console's actions an agent must reach: submit
// buttons and button-styled links, not the secondary ones (Log out,
// Exit tenant) beside them.
const primaryButtons = "main button:not(.secondary), main a.button"

// TestConsoleFitsAPhone signs an agent in on a 390 px wide phone and
// checks that every primary button of the console, in each of its
// states, is on screen without scrolling sideways: the tenants table
// (with a long tenant id and note, and the form to ask for more time),
// the access request form and the agent's requests, break-glass, and
// the current tenant's card; and that the desktop layout still fits.
func TestConsoleFitsAPhone(t *testing.T) {
	b := chromiumtest.New(t)
	e := newEnv(t, options{})
	e.grant("acme", 7*24*time.Hour, "read", "write")
	e.grant("globex-international-holdings-emea", 12*time.Hour, "read", "write", "pii")
	e.grant("initech", 0, "read")

	agent := b.Tab("agent")
	agent.Do("emulating a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	agent.Navigate(e.url() + "/_lockbox/login")
	agent.SendKeys("#username", "carol")
	agent.SendKeys("#password", "carol")
	agent.Do("signing in", chromedp.Submit(chromedp.CSS("#password")))
	agent.WaitText("main", "Tenants that granted access", "globex-international-holdings-emea", "Emergency access")
	wantOnScreen(t, agent, "01-console")

	agent.Click("details.extend summary")
	agent.WaitText("details.extend", "Reason")
	wantOnScreen(t, agent, "02-console-ask-for-more-time")

	agent.Click(`form[action="/_lockbox/sessions"] input[value="acme"] ~ button`)
	agent.WaitText("body", "X-Lockbox-Tenant", "acme") // the app, as the agent
	agent.Navigate(e.url() + "/_lockbox/")
	agent.WaitText("main", "You are in tenant acme")
	wantOnScreen(t, agent, "03-console-in-a-tenant")

	agent.SendKeys("#ask-tenant", "umbrella-corporation-research-division")
	agent.SendKeys("#ask-reason", "Invoice totals on the March statement are wrong")
	agent.SendKeys("#ask-ticket", "T-4711")
	agent.Click("#ask button")
	agent.WaitText("#requests", "umbrella-corporation-research-division", "Invoice totals")
	wantOnScreen(t, agent, "04-console-with-a-request")

	agent.Do("widening to a desktop", chromedp.EmulateViewport(1280, 900))
	agent.Navigate(e.url() + "/_lockbox/")
	agent.WaitText("#tenants", "Granted by")
	wantOnScreen(t, agent, "05-console-desktop")
}

// wantOnScreen saves a screenshot and fails when a primary button, or
// the page, is wider than the phone's screen.
func wantOnScreen(t *testing.T, tab *chromiumtest.Tab, shot string) {
	t.Helper()
	tab.Shot(shot)
	if out := tab.OutsideViewport(primaryButtons); len(out) > 0 {
		tab.Fail("%s: off screen on a phone:\n%s", shot, strings.Join(out, "\n"))
	}
}
