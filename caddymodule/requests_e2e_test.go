package caddymodule_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lockbox-gw/lockbox/internal/chromiumtest"
	"github.com/lockbox-gw/lockbox/internal/notify"
)

// requestJSON is the part of an access request the test looks at.
type requestJSON struct {
	ID        string   `json:"id"`
	Tenant    string   `json:"tenant"`
	State     string   `json:"state"`
	Scopes    []string `json:"scopes"`
	Extension bool     `json:"extension"`
	Granted   string   `json:"granted_grant"`
	Approvals []struct {
		By struct{ ID string } `json:"by"`
	} `json:"approvals"`
	Message string `json:"message"`
}

// extendedGrantJSON is a grant with its extensions.
type extendedGrantJSON struct {
	ID         string    `json:"id"`
	Scopes     []string  `json:"scopes"`
	ExpiresAt  time.Time `json:"expires_at"`
	Extensions []struct {
		Request string    `json:"request"`
		From    time.Time `json:"from"`
		To      time.Time `json:"to"`
	} `json:"extensions"`
}

// TestAccessRequestsThroughCaddy runs the consent flow that starts with
// the agent, through a real lockbox process with two approvals needed:
// the agent asks on the console, every admin of the tenant is emailed
// their own link to the request and the app gets a webhook with a review
// URL; the admin who is also the agent may not approve; one admin
// approves on the Support Access page in Chromium, another through the
// app API, narrowing the scopes; the agent enters with what was agreed,
// asks for more time, and the same grant is extended; a request to
// another tenant is denied with a message the agent reads. The audit
// chains verify.
func TestAccessRequestsThroughCaddy(t *testing.T) {
	t.Parallel()
	s := startAccessSite(t)
	g, hooks, box, api := s.g, s.hooks, s.box, s.api
	// The agent is an admin of the customer too: still not a second pair of eyes.
	s.admins("acme", "ana", "ana@example.com", "owner", "ben", "ben@example.com", "admin", "al", "ALICE@support.example", "owner")
	s.admins("globex", "gus", "gus@globex.example", "owner")

	alice := newAgentBrowser(t, g.site)
	alice.loginConsole("alice")
	alice.ask(url.Values{"tenant": {"acme"}, "reason": {"INC-7: invoices show wrong totals"}, "ticket": {"T-7"}, "scopes": {"write"}, "duration": {"7d"}})
	var listed struct{ Requests []requestJSON }
	api.must(http.MethodGet, "/tenants/acme/requests", http.StatusOK, &listed, nil)
	if len(listed.Requests) != 1 || listed.Requests[0].State != "pending" {
		t.Fatalf("acme's requests after the agent asked: %+v", listed.Requests)
	}
	req := listed.Requests[0]

	mails := box.waitFor(t, "asks for support access to acme", 3)
	links := requestLinks(t, mails, req.ID)
	created := hooks.waitFor(t, "request.created", 1)
	if d := created[0].Data; d.Request.ID != req.ID || d.ReviewURL != g.site+"/_lockbox/admin?request="+req.ID+"#request-"+req.ID {
		t.Fatalf("request.created webhook: %+v", d)
	}

	status, body := api.call(http.MethodPost, "/requests/"+req.ID+"/approve", map[string]any{"admin": map[string]string{"id": "al"}})
	if status != http.StatusForbidden || !strings.Contains(string(body), "own_request") {
		t.Fatalf("the agent approving as an admin got %d: %s", status, body)
	}

	// Ana approves on the page, in a real browser, for one day only.
	browser := chromiumtest.New(t)
	ana := browser.Tab("ana")
	ana.Navigate(links["ana@example.com"])
	ana.WaitText("#open", "Support Access to acme", "for ana@example.com")
	ana.Click("#continue")
	card := "#request-" + req.ID
	ana.WaitText(card, "INC-7: invoices show wrong totals", "T-7", "0 of 2")
	ana.Shot("ana-request")
	ana.Do("choosing one day", chromedp.SetValue(chromedp.CSS(card+"-duration"), "1d"))
	ana.Click(card + " .approve-submit")
	ana.WaitText(card, "You approved this")
	ana.Shot("ana-approved")
	if g, _ := activeGrant(api, "acme"); g != nil {
		t.Fatalf("one approval of two granted %+v", g)
	}

	var approved requestJSON
	api.must(http.MethodPost, "/requests/"+req.ID+"/approve", http.StatusOK, &approved, map[string]any{
		"admin": map[string]string{"id": "ben"}, "scopes": []string{"read"},
	})
	gr, _ := activeGrant(api, "acme")
	if approved.State != "approved" || gr == nil || approved.Granted != gr.ID || strings.Join(gr.Scopes, " ") != "read" ||
		gr.ExpiresAt.Sub(time.Now()) > 24*time.Hour {
		t.Fatalf("after two approvals: request %+v, grant %+v; want read only for a day", approved, gr)
	}
	hooks.waitFor(t, "request.approval", 1)
	hooks.waitFor(t, "request.approved", 1)
	hooks.waitFor(t, "grant.created", 1)

	wantContains(t, alice.get("/_lockbox/").body, "approved")
	alice.enter("acme")
	if got := alice.get("/orders").echo(t); got.Header.Get("X-Lockbox-Scopes") != "read" {
		t.Fatalf("the agent entered with scopes %q, want read", got.Header.Get("X-Lockbox-Scopes"))
	}

	// The grant ends within a day: the agent asks for one more.
	alice.ask(url.Values{"tenant": {"acme"}, "extension": {"1"}, "reason": {"INC-7 needs another day"}, "duration": {"1d"}})
	box.waitFor(t, "asks for more time in acme", 3)
	api.must(http.MethodGet, "/tenants/acme/requests?state=pending", http.StatusOK, &listed, nil)
	if len(listed.Requests) != 1 || !listed.Requests[0].Extension {
		t.Fatalf("pending after asking for more time: %+v", listed.Requests)
	}
	ext := listed.Requests[0]
	for _, admin := range []string{"ana", "ben"} {
		api.must(http.MethodPost, "/requests/"+ext.ID+"/approve", http.StatusOK, nil, map[string]any{"admin": map[string]string{"id": admin}})
	}
	after, _ := activeGrant(api, "acme")
	if after == nil || after.ID != gr.ID || !after.ExpiresAt.Equal(gr.ExpiresAt.Add(24*time.Hour)) ||
		len(after.Extensions) != 1 || after.Extensions[0].Request != ext.ID {
		t.Fatalf("after the extension: %+v, want grant %s a day longer", after, gr.ID)
	}
	hooks.waitFor(t, "grant.extended", 1)
	ana.ReloadUntil(g.site+"/_lockbox/admin", "#grants", "extended")

	// Globex says no, and the agent reads why.
	alice.ask(url.Values{"tenant": {"globex"}, "reason": {"checking an import"}, "duration": {"1d"}})
	api.must(http.MethodGet, "/tenants/globex/requests", http.StatusOK, &listed, nil)
	var denied requestJSON
	api.must(http.MethodPost, "/requests/"+listed.Requests[0].ID+"/deny", http.StatusOK, &denied, map[string]any{
		"admin": map[string]string{"id": "gus"}, "message": "<b>Use the staging tenant</b>",
	})
	hooks.waitFor(t, "request.denied", 1)
	console := alice.get("/_lockbox/").body
	wantContains(t, console, "denied", "&lt;b&gt;Use the staging tenant&lt;/b&gt;")

	var cli struct{ Requests []requestJSON }
	g.okJSON(&cli, "requests", "--tenant", "acme", "--json")
	if rows := cli.Requests; len(rows) != 2 || rows[0].ID != ext.ID || rows[1].ID != req.ID || rows[1].State != "approved" {
		t.Fatalf("lockbox requests --tenant acme: %+v", rows)
	}
	wantContains(t, g.ok("requests", "--tenant", "acme"), ext.ID, "approved", "2/2", "(extension)")
	for _, tenant := range []string{"acme", "globex"} {
		wantContains(t, g.ok("audit", "verify", "--tenant", tenant), "Audit chain of tenant "+tenant+" is intact")
	}
	types := map[string]int{}
	for _, e := range g.audit("acme") {
		types[e.Type]++
	}
	for typ, n := range map[string]int{"request.created": 2, "request.approval": 2, "request.approved": 2, "grant.created": 1, "grant.extended": 1} {
		if types[typ] != n {
			t.Errorf("acme's audit has %d %s, want %d (all: %v)", types[typ], typ, n, types)
		}
	}
	if out := g.out.String(); strings.Contains(out, `"level":"error"`) {
		t.Errorf("lockbox logged errors:\n%s", out)
	}
}

// ask submits the console's request form with the page's CSRF token and
// expects to be sent back to the console.
func (b *agentBrowser) ask(form url.Values) {
	b.t.Helper()
	form.Set("csrf", b.console().csrf)
	p := b.do(call{method: http.MethodPost, url: "/_lockbox/requests", form: form})
	if p.status != http.StatusSeeOther {
		b.t.Fatalf("asking %v: %s", form, p.summary())
	}
}

// activeGrant reads the tenant's active grant through the app API.
func activeGrant(api appAPI, tenant string) (*extendedGrantJSON, error) {
	var page struct{ Active *extendedGrantJSON }
	api.must(http.MethodGet, "/tenants/"+tenant+"/grants", http.StatusOK, &page, nil)
	return page.Active, nil
}

// requestLinks checks that each admin of acme got one email about the
// request, with a link signed for that admin that opens at the request,
// and returns the links by address.
func requestLinks(t *testing.T, mails []receivedMail, id string) map[string]string {
	t.Helper()
	ids := map[string]string{"ana@example.com": "ana", "ben@example.com": "ben", "alice@support.example": "al"}
	links := map[string]string{}
	for _, m := range mails {
		link := adminLinkPattern.FindString(m.text)
		if !strings.HasSuffix(link, "&request="+id) {
			t.Fatalf("the email to %s has no link to request %s:\n%s", m.to, id, m.text)
		}
		if c := linkClaims(t, strings.TrimSuffix(link, "&request="+id)); c.Sub != ids[strings.ToLower(m.to)] || c.Tenant != "acme" {
			t.Fatalf("the link mailed to %s is for %q of %q", m.to, c.Sub, c.Tenant)
		}
		wantContains(t, m.text, "INC-7: invoices show wrong totals", "T-7", "2 different admins")
		links[strings.ToLower(m.to)] = link
	}
	if len(links) != 3 {
		t.Fatalf("request.created emails went to %v, want each admin once", links)
	}
	return links
}

// accessSite is a lockbox process with the app API, two approvals
// needed, a support role that may write, an on-call role that may break
// the glass and an area, and the receivers of its webhooks and emails.
type accessSite struct {
	g     *gatewayProc
	hooks *hookReceiver
	box   *mailbox
	app   *echoApp
	api   appAPI
}

func startAccessSite(t *testing.T) accessSite {
	t.Helper()
	return startTenantAdminSite(t, tenantAdminConfig{
		Global: "approvals_needed 2", Scopes: "read write",
		Site: "role oncall groups sec-oncall scopes read write break_glass 30m\n\t\tarea planning /planning* /calendar*",
	})
}

// startTenantAdminSite runs a gateway with tenantAdminCaddyfile, its
// provider, app, webhook receiver and mailbox; cfg gives the words that
// differ (Global, Scopes, Site), the rest is filled in here.
func startTenantAdminSite(t *testing.T, cfg tenantAdminConfig) accessSite {
	t.Helper()
	bin := lockboxBinary(t)
	secret := notify.NewSecret()
	s := accessSite{hooks: startHookReceiver(t, secret, 0), box: startMailbox(t), app: startEchoApp(t), g: newGatewayProc(t, bin)}
	idp := startIdP(t, []*gatewayProc{s.g})
	s.g.env = append(s.g.env, "LOCKBOX_API_KEY="+e2eAPIKey, "LOCKBOX_WEBHOOK_SECRET="+secret)
	cfg.Admin, cfg.Port, cfg.IdP, cfg.Upstream = s.g.admin, s.g.port, idp.Issuer(), s.app.hostport()
	cfg.DB, cfg.Hook, cfg.SMTP = t.TempDir()+"/lockbox.db", s.hooks.srv.URL+"/hooks/lockbox", s.box.addr
	s.g.launchWith(tenantAdminCaddyfile, cfg)
	s.api = appAPI{t: t, base: s.g.site + "/_lockbox/api/v1", key: e2eAPIKey}
	return s
}

// admins registers the tenant's admins through the app API: id, email
// and role, three strings each.
func (s accessSite) admins(tenant string, fields ...string) {
	var list []map[string]string
	for i := 0; i+2 < len(fields); i += 3 {
		list = append(list, map[string]string{"id": fields[i], "email": fields[i+1], "role": fields[i+2]})
	}
	s.api.must(http.MethodPut, "/tenants/"+tenant+"/admins", http.StatusOK, nil, map[string]any{"admins": list})
}
