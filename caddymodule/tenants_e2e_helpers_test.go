package caddymodule_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// tenantCaddyfile is a site whose app names tenants by host (TenantFrom
// "host": one login host localhost:<port> and a host per tenant under
// it) or by path.
var tenantCaddyfile = template.Must(template.New("Caddyfile").Parse(`{
	admin {{.Admin}}
	default_bind 127.0.0.1
	http_port {{.Port}}
	lockbox {
		storage {{.Storage}}
	}
}

{{.Site}} {
	lockbox {
		oidc {{.IdP}} {
			client_id ` + e2eClientID + `
			client_secret {env.OIDC_CLIENT_SECRET}
		}
		role support groups support scopes read
		role operations groups customer-ops scopes read write pii
		{{.TenantFrom}}
		shared /static/*
	}
	reverse_proxy {{.Upstream}}
}
`))

// tenantSite fills tenantCaddyfile.
type tenantSite struct {
	Admin, Storage, IdP, Upstream, Site, TenantFrom string
	Port                                            int
}

// tenantEnv is one lockbox process in front of the echo app, serving a
// tenant_from site.
type tenantEnv struct {
	agentEnv
	byHost bool
}

// newTenantEnv starts a site with tenants by host (the login host is
// localhost:<port>, tenant t's host t.localhost:<port>) or by path
// (/t/{tenant}/ on 127.0.0.1:<port>).
func newTenantEnv(t *testing.T, byHost bool) *tenantEnv {
	t.Helper()
	e := &tenantEnv{agentEnv: agentEnv{app: startEchoApp(t)}, byHost: byHost}
	g := newGatewayProc(t, lockboxBinary(t))
	cfg := tenantSite{Admin: g.admin, Port: g.port, Storage: "bolt " + t.TempDir() + "/lockbox.db", Upstream: e.app.hostport()}
	if byHost {
		g.site = fmt.Sprintf("http://localhost:%d", g.port)
		cfg.Site = fmt.Sprintf("http://localhost:%d, http://*.localhost:%d", g.port, g.port)
		cfg.TenantFrom = fmt.Sprintf("tenant_from host {tenant}.localhost:%d", g.port)
	} else {
		cfg.Site = g.site
		cfg.TenantFrom = "tenant_from path /t/{tenant}/"
	}
	e.gws = []*gatewayProc{g}
	e.idp = startIdP(t, e.gws)
	cfg.IdP = e.idp.Issuer()
	g.launchWith(tenantCaddyfile, cfg)
	return e
}

// tenantURL is path on tenant t's host.
func (e *tenantEnv) tenantURL(t, path string) string {
	return fmt.Sprintf("http://%s.localhost:%d%s", t, e.gw().port, path)
}

// tenantBrowser is an agentBrowser that reaches localhost and every
// *.localhost name at the gateway's loopback address, as browsers
// resolve them; its jar keeps each host's cookies apart.
func (e *tenantEnv) tenantBrowser(t *testing.T) *agentBrowser {
	b := newAgentBrowser(t, e.gw().site)
	port := fmt.Sprint(e.gw().port)
	b.Stay.Transport.(*http.Transport).DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if host, p, _ := net.SplitHostPort(addr); p == port && (host == "localhost" || strings.HasSuffix(host, ".localhost")) {
			addr = "127.0.0.1:" + port
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	return b
}

// enterTenant submits the console's Enter form and returns where the
// browser is sent.
func (b *agentBrowser) enterTenant(tenant string) string {
	b.t.Helper()
	c := b.console()
	p := b.do(call{method: http.MethodPost, url: "/_lockbox/sessions", form: url.Values{"csrf": {c.csrf}, "tenant": {tenant}}})
	if p.status != http.StatusSeeOther {
		b.t.Fatalf("entering %s: %s", tenant, p.summary())
	}
	return p.header.Get("Location")
}

// cookieOn is the browser's Lockbox cookie on u's host.
func (b *agentBrowser) cookieOn(u string) string {
	pu, _ := url.Parse(u)
	for _, c := range b.Jar.Cookies(pu) {
		if c.Name == "lockbox" {
			return c.Value
		}
	}
	return ""
}

// hostRequest sends a GET written by hand with the given Host and
// Cookie lines to the gateway's loopback port.
func (e *tenantEnv) hostRequest(t *testing.T, host, target, cookie string) reply {
	t.Helper()
	conn, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", e.gw().port), runTimeout)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(runTimeout))
	head := "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n"
	if cookie != "" {
		head += "Cookie: lockbox=" + cookie + "\r\n"
	}
	if _, err := io.WriteString(conn, head+"Connection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %s on %s: %v", target, host, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: string(data)}
}

// untouched fails if the app received anything since hits.
func (e *tenantEnv) untouched(t *testing.T, hits int, what string) {
	t.Helper()
	if got := e.app.since(hits); len(got) != 0 {
		t.Fatalf("%s reached the app: %+v", what, got[0])
	}
}

// waitDenied waits for an access.denied event with reason in tenant's
// audit.
func (e *tenantEnv) waitDenied(t *testing.T, tenant, reason string) {
	t.Helper()
	testkit.EventuallyWithin(t, 5*time.Second, func() bool {
		return countEvents(e.gw().audit(tenant), "access.denied", reason) > 0
	}, "access.denied %s in %s's audit", reason, tenant)
}
