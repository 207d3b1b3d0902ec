package caddymodule_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestBreakGlassThroughCaddy: through a real lockbox process, an on-call
// agent's emergency entry is refused for every bad reason without a
// trace of a session, and with a good one the agent enters a tenant that
// granted nothing, the app sees the entry marked, every admin is emailed
// and the app webhooked at once, and the Support Access page shows it.
func TestBreakGlassThroughCaddy(t *testing.T) {
	t.Parallel()
	s := startAccessSite(t)
	g, hooks, box := s.g, s.hooks, s.box
	s.admins("acme", "ana", "ana@example.com", "owner", "ben", "ben@example.com", "admin")

	carol := newAgentBrowser(t, g.site)
	carol.loginConsole("carol")
	enter := func(reason string) reply {
		return carol.do(call{method: http.MethodPost, url: "/_lockbox/sessions", form: url.Values{
			"csrf": {carol.console().csrf}, "tenant": {"acme"}, "break_glass": {"1"}, "reason": {reason},
		}})
	}
	for name, reason := range map[string]string{
		"empty":               "",
		"only spaces":         "   \t ",
		"too long":            strings.Repeat("x", 501),
		"two lines":           "outage\nrm -rf",
		"control character":   "outage\x07",
		"direction override":  "outage \u202egnp.exe",
		"paragraph separator": "outage\u2029more",
		"not UTF-8":           "outage \xff",
	} {
		wantRefusal(t, "break-glass with a reason that is "+name, enter(reason), http.StatusBadRequest)
	}
	if events := g.audit("acme"); countEvents(events, "breakglass.used", "") != 0 || countEvents(events, "session.started", "") != 0 {
		t.Fatalf("refused break-glass entries left events: %+v", events)
	}

	if p := enter("  INC-99: payments down for every customer  "); p.status != http.StatusSeeOther {
		t.Fatalf("break-glass with a good reason: %s", p.summary())
	}
	got := carol.get("/orders").echo(t)
	if got.Header.Get("X-Lockbox-Break-Glass") != "true" || got.Header.Get("X-Lockbox-Tenant") != "acme" {
		t.Fatalf("the app saw %v; want the entry marked as break-glass", got.Header)
	}
	mails := box.waitFor(t, "Emergency support access to acme", 2)
	for _, m := range mails {
		wantContains(t, m.text, "carol@support.example", "INC-99: payments down for every customer")
	}
	hooks.waitFor(t, "breakglass.used", 1)
	link := adminLinkPattern.FindString(mails[0].text)
	page := newAgentBrowser(t, g.site).openAdminLink(link)
	wantContains(t, page.body, "INC-99: payments down for every customer", "carol@support.example")
	wantContains(t, g.ok("audit", "verify", "--tenant", "acme"), "Audit chain of tenant acme is intact")
}
