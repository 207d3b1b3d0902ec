package gateway_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/gateway"
	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// hostTenants names tenants by host: {tenant}.localhost:<port>, beside
// the login host 127.0.0.1:<port>.
func hostTenants(port string) *gateway.TenantFrom {
	return &gateway.TenantFrom{Host: "{tenant}.localhost:" + port, Shared: []string{"/static/*"}}
}

// pathTenants names tenants by path: /t/{tenant}/.
func pathTenants(string) *gateway.TenantFrom {
	return &gateway.TenantFrom{Path: "/t/{tenant}/", Shared: []string{"/static/*"}}
}

// tenantBrowser is a browser whose connections to any *.localhost name
// go to the gateway's loopback port, as a browser resolves them; its
// cookie jar keeps each host's cookies apart.
func tenantBrowser(t *testing.T, e *env) *browser {
	b := newBrowser(t, e.url())
	addr := strings.TrimPrefix(e.url(), "http://")
	tr := b.Stay.Transport.(*http.Transport)
	tr.DialContext = func(ctx context.Context, network, to string) (net.Conn, error) {
		if host, _, _ := net.SplitHostPort(to); strings.HasSuffix(host, ".localhost") {
			to = addr
		}
		return (&net.Dialer{}).DialContext(ctx, network, to)
	}
	return b
}

// port is the gateway's port.
func (e *env) port() string { return e.url()[strings.LastIndexByte(e.url(), ':')+1:] }

// tenantURL is u on tenant t's host.
func (e *env) tenantURL(t, u string) string { return "http://" + t + ".localhost:" + e.port() + u }

// enterTenant enters t from the console and returns where Lockbox sends
// the browser.
func (b *browser) enterTenant(t string) string {
	b.t.Helper()
	c := b.console()
	p := b.post("/_lockbox/sessions", url.Values{"csrf": {c.csrf}, "tenant": {t}})
	if p.status != http.StatusSeeOther {
		b.t.Fatalf("entering %s: %d %.300s", t, p.status, p.body)
	}
	return p.location()
}

// passCookie returns the browser's session cookie on host u.
func (b *browser) cookieOn(u string) string {
	pu, _ := url.Parse(u)
	for _, c := range b.Jar.Cookies(pu) {
		if c.Name == login.SessionCookiePlain {
			return c.Value
		}
	}
	return ""
}

// expectRefused checks a refusal page and that nothing reached the app.
func expectRefused(t *testing.T, e *env, p page, status int, hitsBefore int64, what string) {
	t.Helper()
	if p.status != status {
		t.Fatalf("%s: %d, want %d: %.300s", what, p.status, status, p.body)
	}
	if got := e.upstream.hits.Load(); got != hitsBefore {
		t.Fatalf("%s reached the app", what)
	}
}

// deniedReasons lists the reasons of the tenant's access.denied events.
func (e *env) deniedReasons(tenant string) []string {
	var out []string
	for _, ev := range e.eventsOf(tenant, gateway.EventAccessDenied) {
		out = append(out, eventData(e.t, ev)["reason"].(string))
	}
	return out
}

func waitReason(t *testing.T, e *env, tenant, reason string) {
	t.Helper()
	testkit.Eventually(t, func() bool {
		for _, r := range e.deniedReasons(tenant) {
			if r == reason {
				return true
			}
		}
		return false
	}, "access.denied %s in %s's audit", reason, tenant)
}

func TestTenantHostsOneLoginTicketsAndWrongTenant(t *testing.T) {
	e := newEnv(t, options{tenantFrom: hostTenants})
	e.grant("acme", 24*time.Hour, "read", "write")
	e.grant("globex", 24*time.Hour, "read")
	b := tenantBrowser(t, e)
	c := b.loginConsole("bob")
	if _, ok := c.tenants["acme"]; !ok {
		t.Fatalf("console lists %v", c.tenants)
	}
	if body := b.get("/_lockbox/").body; !strings.Contains(body, e.tenantURL("acme", "/")) {
		t.Fatal("the console does not link acme to its host")
	}

	// Entering acme hands the browser to acme's host with a ticket.
	to := b.enterTenant("acme")
	if !strings.HasPrefix(to, e.tenantURL("acme", "/_lockbox/enter?ticket=")) {
		t.Fatalf("entering acme sent the browser to %q", to)
	}
	p := b.get(to)
	if p.status != http.StatusSeeOther || p.location() != "/" {
		t.Fatalf("spending the ticket: %d %q %.300s", p.status, p.location(), p.body)
	}
	acmeURL := e.tenantURL("acme", "/")
	pass := b.cookieOn(acmeURL)
	if pass == "" || pass == b.cookie() {
		t.Fatal("acme's host has no session cookie of its own")
	}
	got := b.do(req{url: e.tenantURL("acme", "/orders")}).echo(t)
	if ids := lockboxHeaders(got.Header); ids["x-lockbox-tenant"] != "acme" || ids["x-lockbox-agent"] != "bob@support.example" {
		t.Fatalf("acme's app saw %v", ids)
	}
	if names := cookieNames(got.Header); len(names) != 0 {
		t.Fatalf("the app saw cookies %v", names)
	}

	// The browser has nothing on globex's host: ordinary traffic, no identity.
	got = b.do(req{url: e.tenantURL("globex", "/")}).echo(t)
	if ids := lockboxHeaders(got.Header); len(ids) != 0 {
		t.Fatalf("globex's app saw %v from a browser with no globex cookie", ids)
	}
	// acme's cookie carried to globex's host by hand is refused.
	hits := e.upstream.hits.Load()
	p = b.do(req{url: e.tenantURL("globex", "/"), header: http.Header{"Cookie": {login.SessionCookiePlain + "=" + pass}}})
	b.Jar.SetCookies(mustURL(e.tenantURL("globex", "/")), []*http.Cookie{{Name: login.SessionCookiePlain, MaxAge: -1}})
	expectRefused(t, e, p, http.StatusForbidden, hits, "acme's cookie on globex's host")
	waitReason(t, e, "acme", gateway.CodeWrongTenant)

	// The login host names no tenant: only shared pages are sent.
	p = b.get("/dashboard")
	expectRefused(t, e, p, http.StatusForbidden, hits, "the login host's app page")
	waitReason(t, e, "acme", gateway.CodeNoTenant)
	got = b.do(req{url: "/static/app.css"}).echo(t)
	if lockboxHeaders(got.Header)["x-lockbox-tenant"] != "acme" {
		t.Fatal("a shared page was not sent with the session's identity")
	}

	// A ticket is spent once.
	hits = e.upstream.hits.Load()
	expectRefused(t, e, b.get(to), http.StatusForbidden, hits, "a replayed ticket")
	waitReason(t, e, "acme", gateway.CodeTicketReplayed)

	// Revoking acme bites on acme's host at once.
	e.revoke("acme", e.sessions("acme")[0].Grant)
	p = b.get(acmeURL)
	expectRefused(t, e, p, http.StatusForbidden, hits, "acme's host after the revoke")
	if !strings.Contains(p.body, "Access revoked") {
		t.Fatalf("acme after the revoke: %.300s", p.body)
	}

	// globex, entered from the same login, goes on.
	p = b.do(req{url: b.enterTenant("globex"), follow: true})
	if ids := lockboxHeaders(p.echo(t).Header); ids["x-lockbox-tenant"] != "globex" || ids["x-lockbox-scopes"] != "read" {
		t.Fatalf("globex's app saw %v", ids)
	}
	if p.url.Host != "globex.localhost:"+e.port() {
		t.Fatalf("landed on %s", p.url)
	}
	// acme's host cookie now meets a session in globex.
	hits = e.upstream.hits.Load()
	expectRefused(t, e, b.get(acmeURL), http.StatusForbidden, hits, "acme's host while in globex")

	// Logging out on the login host ends globex's host cookie's session.
	c = b.console()
	if p := b.post("/_lockbox/logout", url.Values{"csrf": {c.csrf}}); p.status != http.StatusOK {
		t.Fatalf("logout: %d", p.status)
	}
	if ids := lockboxHeaders(b.do(req{url: e.tenantURL("globex", "/")}).echo(t).Header); len(ids) != 0 {
		t.Fatalf("globex's host sends identity after logout: %v", ids)
	}
	e.verifyAudit("acme")
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestTenantTicketsRefusedWhenAlteredLateOrOnAnotherHost(t *testing.T) {
	e := newEnv(t, options{tenantFrom: hostTenants})
	e.grant("acme", 24*time.Hour, "read")
	e.grant("globex", 24*time.Hour, "read")
	b := tenantBrowser(t, e)
	b.loginConsole("bob")
	hits := e.upstream.hits.Load()

	// Altered: one character changed, or cut short.
	to := b.enterTenant("acme")
	i := strings.Index(to, "ticket=") + len("ticket=")
	flip := "A"
	if to[i] == 'A' {
		flip = "B"
	}
	for _, bad := range []string{to[:i] + flip + to[i+1:], to[:len(to)-1], to[:i] + "../" + to[i:]} {
		expectRefused(t, e, b.get(bad), http.StatusForbidden, hits, "an altered ticket")
	}
	if b.cookieOn(e.tenantURL("acme", "/")) != "" {
		t.Fatal("an altered ticket set a cookie")
	}
	// A HEAD (a link checker, say) does not spend it.
	if p := b.do(req{method: http.MethodHead, url: to}); p.status != http.StatusMethodNotAllowed {
		t.Fatalf("HEAD of a ticket: %d", p.status)
	}

	// On another tenant's host: refused, and spent.
	other := strings.Replace(to, "acme.localhost", "globex.localhost", 1)
	expectRefused(t, e, b.get(other), http.StatusForbidden, hits, "acme's ticket on globex's host")
	waitReason(t, e, "acme", gateway.CodeTicketWrongHost)
	expectRefused(t, e, b.get(to), http.StatusForbidden, hits, "a ticket after its use on another host")
	waitReason(t, e, "acme", gateway.CodeTicketReplayed)

	// After 60 s.
	to = b.enterTenant("acme")
	e.clock.Add(gateway.TicketTTL)
	expectRefused(t, e, b.get(to), http.StatusForbidden, hits, "a ticket after 60s")
	waitReason(t, e, "acme", gateway.CodeTicketExpired)

	// For a session the agent has left meanwhile.
	to = b.enterTenant("acme")
	b.enterTenant("globex")
	expectRefused(t, e, b.get(to), http.StatusForbidden, hits, "a ticket of a left session")
	waitReason(t, e, "acme", gateway.CodeTicketWrongStart)
	if b.cookieOn(e.tenantURL("acme", "/")) != "" {
		t.Fatal("a refused ticket set a cookie")
	}
}

func TestTenantTicketIsSpentOnceAcrossInstances(t *testing.T) {
	e := newEnv(t, options{tenantFrom: hostTenants, redis: redistest.Start(t), instances: 2})
	e.grant("acme", 24*time.Hour, "read")
	b := tenantBrowser(t, e)
	b.loginConsole("bob")
	to := b.enterTenant("acme")
	if p := b.get(to); p.status != http.StatusSeeOther {
		t.Fatalf("spending the ticket: %d %.300s", p.status, p.body)
	}
	// The same ticket to the second instance, on its host.
	second := e.insts[1].srv.URL
	port := second[strings.LastIndexByte(second, ':')+1:]
	u := mustURL(to)
	hr, _ := http.NewRequest(http.MethodGet, second+u.RequestURI(), nil)
	hr.Host = "acme.localhost:" + port
	resp, err := http.DefaultTransport.RoundTrip(hr)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the ticket replayed on the second instance: %d", resp.StatusCode)
	}
	waitReason(t, e, "acme", gateway.CodeTicketReplayed)
}

func TestTenantHostsRefuseHostsNotWrittenAsTheSites(t *testing.T) {
	e := newEnv(t, options{tenantFrom: hostTenants})
	e.grant("acme", 24*time.Hour, "read")
	b := tenantBrowser(t, e)
	b.loginConsole("bob")
	b.get(b.enterTenant("acme"))
	pass := b.cookieOn(e.tenantURL("acme", "/"))
	hits := e.upstream.hits.Load()
	for _, host := range []string{
		"ACME.localhost:" + e.port(),         // uppercase
		"acme.LOCALHOST:" + e.port(),         // uppercase suffix
		"acme.localhost.:" + e.port(),        // trailing dot
		"acme.localhost",                     // no port
		"acme.localhost:1",                   // another port
		"a.cme.localhost:" + e.port(),        // two labels
		"-acme.localhost:" + e.port(),        // not a tenant id
		"acme.example.localhost:" + e.port(), // not one of the site's
	} {
		hr, _ := http.NewRequest(http.MethodGet, e.url()+"/", nil)
		hr.Host = host
		hr.Header.Set("Cookie", login.SessionCookiePlain+"="+pass)
		resp, err := http.DefaultTransport.RoundTrip(hr)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("Host %q: %d, want 400", host, resp.StatusCode)
		}
	}
	if e.upstream.hits.Load() != hits {
		t.Fatal("a request with a badly written host reached the app")
	}
}

func TestTenantPathsKeepAgentsInTheirTenant(t *testing.T) {
	e := newEnv(t, options{tenantFrom: pathTenants})
	e.grant("acme", 24*time.Hour, "read", "write")
	e.grant("globex", 24*time.Hour, "read")
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	if to := b.enterTenant("acme"); to != "/t/acme/" {
		t.Fatalf("entering acme landed on %q", to)
	}
	got := b.do(req{url: "/t/acme/orders"}).echo(t)
	if ids := lockboxHeaders(got.Header); ids["x-lockbox-tenant"] != "acme" {
		t.Fatalf("the app saw %v", ids)
	}
	if lockboxHeaders(b.do(req{url: "/static/app.js"}).echo(t).Header)["x-lockbox-tenant"] != "acme" {
		t.Fatal("a shared page was not sent with the session's identity")
	}
	hits := e.upstream.hits.Load()
	for _, tt := range []struct {
		path   string
		status int
		reason string
	}{
		{"/t/globex/", http.StatusForbidden, gateway.CodeWrongTenant},
		{"/t/globex/orders", http.StatusForbidden, gateway.CodeWrongTenant},
		{"/t/%61cme/", http.StatusBadRequest, gateway.CodeBadTenantAddr},
		{"/t/acme/../globex/", http.StatusBadRequest, ""},
		{"/t/ACME/", http.StatusBadRequest, gateway.CodeBadTenantAddr},
		{"/T/acme/", http.StatusForbidden, gateway.CodeNoTenant},
		{"/dashboard", http.StatusForbidden, gateway.CodeNoTenant},
	} {
		expectRefused(t, e, b.get(tt.path), tt.status, hits, tt.path)
		if tt.reason != "" {
			waitReason(t, e, "acme", tt.reason)
		}
	}
	e.revoke("acme", e.sessions("acme")[0].Grant)
	expectRefused(t, e, b.get("/t/acme/orders"), http.StatusForbidden, hits, "acme after the revoke")
	if to := b.enterTenant("globex"); to != "/t/globex/" {
		t.Fatalf("entering globex landed on %q", to)
	}
	if ids := lockboxHeaders(b.do(req{url: "/t/globex/"}).echo(t).Header); ids["x-lockbox-tenant"] != "globex" {
		t.Fatalf("globex's pages saw %v", ids)
	}
	expectRefused(t, e, b.get("/t/acme/"), http.StatusForbidden, e.upstream.hits.Load(), "acme while in globex")
}

func TestTenantFromConfigErrors(t *testing.T) {
	for _, tf := range []gateway.TenantFrom{
		{},
		{Host: "{tenant}.app.example.com", Path: "/t/{tenant}/"},
		{Host: "app.example.com"},
		{Host: "{tenant}.App.example.com"},
		{Host: "{tenant}.example.com"}, // the login host would be a tenant's
		{Host: "x{tenant}.app.example.com"},
		{Path: "/t/{tenant}"},
		{Path: "/t/{tenant}/more/"},
		{Path: "t/{tenant}/"},
		{Path: "/t/../{tenant}/"},
		{Path: "/t/{tenant}/", Shared: []string{"static/*"}},
	} {
		if err := tf.Check("https://app.example.com/_lockbox"); err == nil {
			t.Errorf("%+v was accepted", tf)
		}
	}
	if err := (gateway.TenantFrom{Host: "{tenant}.app.example.com", Shared: []string{"/static/*"}}).Check("https://app.example.com/_lockbox"); err != nil {
		t.Fatal(err)
	}
}

func TestTenantHostConsoleOpensTheAppWithAFreshTicket(t *testing.T) {
	e := newEnv(t, options{tenantFrom: hostTenants})
	e.grant("acme", 24*time.Hour, "read")
	b := tenantBrowser(t, e)
	b.loginConsole("bob")
	first := b.enterTenant("acme")
	cp := b.get("/_lockbox/")
	body := cp.body
	// Browsers hold the redirect after a form to form-action too.
	if csp := cp.header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' http://*.localhost:"+e.port()+";") {
		t.Fatalf("the console's forms cannot lead to tenant hosts: %s", csp)
	}
	if !strings.Contains(body, `action="/_lockbox/go"`) {
		t.Fatalf("the console offers no way back to acme's host: %.300s", body)
	}
	c := b.console()
	p := b.post("/_lockbox/go", url.Values{"csrf": {c.csrf}})
	to := p.location()
	if p.status != http.StatusSeeOther || to == first || !strings.HasPrefix(to, e.tenantURL("acme", "/_lockbox/enter?ticket=")) {
		t.Fatalf("open the app: %d %q", p.status, to)
	}
	if ids := lockboxHeaders(b.do(req{url: to, follow: true}).echo(t).Header); ids["x-lockbox-tenant"] != "acme" {
		t.Fatalf("acme's app saw %v", ids)
	}
	// The first ticket is still good once: tickets are independent.
	if p := b.get(first); p.status != http.StatusSeeOther {
		t.Fatalf("the first ticket: %d", p.status)
	}
	// Exiting on the login host ends what acme's host cookie can do.
	c = b.console()
	if p := b.post("/_lockbox/exit", url.Values{"csrf": {c.csrf}}); p.status != http.StatusSeeOther {
		t.Fatalf("exit: %d", p.status)
	}
	if ids := lockboxHeaders(b.do(req{url: e.tenantURL("acme", "/")}).echo(t).Header); len(ids) != 0 {
		t.Fatalf("acme's host sends identity after exit: %v", ids)
	}
	// Lockbox's other pages live on the login host.
	if p := b.get(e.tenantURL("acme", "/_lockbox/")); p.status != http.StatusSeeOther || p.location() != e.url()+"/_lockbox/" {
		t.Fatalf("the console on acme's host: %d %q", p.status, p.location())
	}
}
