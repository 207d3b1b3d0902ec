package caddymodule_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// opsCaddyfile is agentCaddyfile with the site's access log on and the
// decision log at DEBUG, as an operator would run it.
var opsCaddyfile = template.Must(template.New("Caddyfile").Parse(`{
	admin {{.Admin}}
	default_bind 127.0.0.1
	http_port {{.Port}}
	log decisions {
		include http.handlers.lockbox.decisions
		level DEBUG
	}
	lockbox {
		storage {{.Storage}}
	}
}

http://127.0.0.1:{{.Port}} {
	log
	lockbox {
		oidc {{.IdP}} {
			client_id ` + e2eClientID + `
			client_secret {env.OIDC_CLIENT_SECRET}
		}
		role support groups support scopes read
		role operations groups customer-ops scopes read write pii
		deny * /settings/billing*
	}
	reverse_proxy {{.Upstream}}
}
`))

// startOpsGateway runs one lockbox process with opsCaddyfile over storage.
func startOpsGateway(t *testing.T, storage string) (*gatewayProc, *echoApp) {
	t.Helper()
	gw := newGatewayProc(t, lockboxBinary(t))
	app := startEchoApp(t)
	idp := startIdP(t, []*gatewayProc{gw})
	gw.launchWith(opsCaddyfile, siteConfig{Admin: gw.admin, Port: gw.port, Storage: storage, IdP: idp.Issuer(), Upstream: app.hostport()})
	return gw, app
}

// healthReport is the part of GET /lockbox/health the tests read.
type healthReport struct {
	Status string
	Ready  bool
	Store  struct {
		Backend   string
		Reachable bool
		LatencyMS float64 `json:"latency_ms"`
	}
	ChangeFeed struct{ Followed, Fresh bool } `json:"change_feed"`
	Keys       struct{ State string }
	Outbox     []struct{ Channel, State string }
}

// health reads the admin API's health report.
func (g *gatewayProc) health(t *testing.T) (int, healthReport, string) {
	t.Helper()
	resp, err := http.Get("http://" + g.admin + "/lockbox/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var r healthReport
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("health: %s %s", resp.Status, body)
	}
	return resp.StatusCode, r, string(body)
}

// ready asks the site's public readiness check.
func (g *gatewayProc) ready(t *testing.T) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(g.site + "/_lockbox/ready")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

// TestHealthFollowsTheStore checks the health report, `lockbox status`
// and the public readiness check while a real Redis runs, is killed and
// comes back: green, red (503, non-zero exit, agents refused with
// Retry-After), green again, never naming the store's address.
func TestHealthFollowsTheStore(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	gw, _ := startOpsGateway(t, "redis "+rs.URL())
	gw.grant("acme", "--for", "1d", "--scopes", "read")
	bob := newAgentBrowser(t, gw.site)
	bob.loginConsole("bob")
	bob.enter("acme")
	bob.get("/").echo(t)

	green := func(when string) {
		t.Helper()
		var r healthReport
		var code int
		testkit.EventuallyWithin(t, 10*time.Second, func() bool {
			code, r, _ = gw.health(t)
			return code == http.StatusOK && r.ChangeFeed.Fresh
		}, "health green %s: %d %+v", when, code, r)
		if !r.Ready || r.Status != "ok" || !r.Store.Reachable || r.Store.Backend != "redis" || r.Keys.State != "loaded" || !r.ChangeFeed.Followed {
			t.Fatalf("health %s: %+v", when, r)
		}
		if st := gw.lockbox("status"); st.code != 0 || !strings.Contains(st.stdout, "Lockbox is ready (ok)") || !strings.Contains(st.stdout, "redis, reachable in") {
			t.Fatalf("lockbox status %s: exit %d\n%s%s", when, st.code, st.stdout, st.stderr)
		}
		// /ready reuses an answer for up to a second, so it may still
		// say "not ready" from the outage just after health is green.
		var readyCode int
		var readyBody string
		testkit.EventuallyWithin(t, 3*time.Second, func() bool {
			readyCode, readyBody, _ = gw.ready(t)
			return readyCode == http.StatusOK && readyBody == "ready\n"
		}, "ready %s: %s", when, testkit.Lazy(func() string { return fmt.Sprintf("%d %q", readyCode, readyBody) }))
	}
	green("at start")

	rs.Stop()
	var body string
	testkit.EventuallyWithin(t, 10*time.Second, func() bool {
		var code int
		code, _, body = gw.health(t)
		return code == http.StatusServiceUnavailable
	}, "health red with the store down")
	_, r, _ := gw.health(t)
	if r.Ready || r.Status != "unavailable" || r.Store.Reachable || strings.Contains(body, rs.Addr()) {
		t.Fatalf("health with the store down: %s", body)
	}
	st := gw.lockbox("status")
	if st.code == 0 || !strings.Contains(st.stdout, "Lockbox is NOT ready (unavailable)") || !strings.Contains(st.stdout, "redis, unreachable") ||
		!strings.Contains(st.stderr, "lockbox: not ready") {
		t.Fatalf("lockbox status with the store down: exit %d\n%s%s", st.code, st.stdout, st.stderr)
	}
	testkit.EventuallyWithin(t, 5*time.Second, func() bool { code, _, _ := gw.ready(t); return code == http.StatusServiceUnavailable }, "ready 503")
	if code, body, h := gw.ready(t); body != "not ready\n" || h.Get("Retry-After") != "5" {
		t.Fatalf("ready with the store down: %d %q %v", code, body, h)
	}
	p := pollReply(t, bob, "/orders", 10*time.Second, func(p reply) bool { return p.status != http.StatusOK })
	if p.status != http.StatusServiceUnavailable || p.header.Get("Retry-After") != "5" {
		t.Fatalf("agent request with the store down: %s, Retry-After %q", p.summary(), p.header.Get("Retry-After"))
	}
	fams := scrape(t, gw.admin)
	if n, _ := sample(fams, "lockbox_agent_requests_total", map[string]string{"outcome": "unavailable"}); n < 1 {
		t.Errorf("no unavailable agent request counted")
	}
	if n, _ := sample(fams, "lockbox_store_errors_total", map[string]string{"backend": "redis"}); n < 1 {
		t.Errorf("no redis store error counted")
	}

	rs.Restart()
	green("after the store came back")
}

// TestDecisionLogAndAccessLogUser checks, through a real lockbox process,
// that a refused agent request is logged by the decisions logger with
// who, where and why, an allowed one at DEBUG, and that Caddy's access
// log names the agent in user_id; no token or cookie is logged.
func TestDecisionLogAndAccessLogUser(t *testing.T) {
	t.Parallel()
	gw, _ := startOpsGateway(t, "bolt "+filepath.Join(t.TempDir(), "lockbox.db"))
	gw.grant("acme", "--for", "1d", "--scopes", "read")
	bob := newAgentBrowser(t, gw.site)
	bob.loginConsole("bob")
	bob.enter("acme")
	token := lockboxHeaders(bob.get("/orders").echo(t).Header)["x-lockbox-token"]
	if r := bob.get("/settings/billing"); r.status != http.StatusForbidden {
		t.Fatalf("billing: %s", r.summary())
	}

	type line struct {
		Level, Logger, Msg           string
		Tenant, Reason, Path, Method string
		AgentEmail                   string `json:"agent_email"`
		AgentSub                     string `json:"agent_sub"`
		UserID                       string `json:"user_id"`
		Request                      struct{ URI string }
	}
	var refused, allowed, access []line
	testkit.EventuallyWithin(t, 10*time.Second, func() bool {
		refused, allowed, access = nil, nil, nil
		for _, raw := range strings.Split(gw.out.String(), "\n") {
			var l line
			if json.Unmarshal([]byte(raw), &l) != nil {
				continue
			}
			switch {
			case l.Logger == "http.handlers.lockbox.decisions" && l.Msg == "agent request refused":
				refused = append(refused, l)
			case l.Logger == "http.handlers.lockbox.decisions" && l.Msg == "agent request allowed":
				allowed = append(allowed, l)
			case strings.HasPrefix(l.Logger, "http.log.access") && l.UserID != "":
				access = append(access, l)
			}
		}
		return len(refused) == 1 && len(allowed) == 1 && len(access) == 2
	}, "one refusal, one allow and two named access log lines:\n%s", gw.out)
	if r := refused[0]; r.Level != "info" || r.Tenant != "acme" || r.Reason != "blocked_action" || r.Path != "/settings/billing" ||
		r.Method != "GET" || r.AgentEmail != "bob@support.example" || r.AgentSub != "bob" {
		t.Fatalf("refusal logged as %+v", r)
	}
	if a := allowed[0]; a.Level != "debug" || a.Path != "/orders" {
		t.Fatalf("allow logged as %+v", a)
	}
	for _, a := range access {
		if a.UserID != "bob@support.example" {
			t.Fatalf("access log user_id %q", a.UserID)
		}
	}
	if token == "" || strings.Contains(gw.out.String(), token) {
		t.Fatal("the impersonation token is in the log")
	}
}
