package caddymodule_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"text/template"
	"time"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// agentLoad sends agent requests (with cookie) and ordinary ones
// (without) to a gateway from a few goroutines, each to paths of its
// own, until stopped or a bound is reached, and counts the answers.
type agentLoad struct {
	site, cookie string
	client       *http.Client
	stop         chan struct{}
	wg           sync.WaitGroup

	agentOK, agentRefused, agentFailed atomic.Int64
	plainOK, plainFailed               atomic.Int64
}

// maxLoadRequests bounds each load goroutine.
const maxLoadRequests = 20000

func startLoad(site, cookie string, agents, plain int) *agentLoad {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = agents + plain
	l := &agentLoad{site: site, cookie: cookie, stop: make(chan struct{}),
		client: &http.Client{Transport: tr, Timeout: 10 * time.Second}}
	for g := range agents {
		l.wg.Add(1)
		go l.run(fmt.Sprintf("/agent/%d/", g), true)
	}
	for g := range plain {
		l.wg.Add(1)
		go l.run(fmt.Sprintf("/plain/%d/", g), false)
	}
	return l
}

func (l *agentLoad) run(prefix string, agent bool) {
	defer l.wg.Done()
	for i := range maxLoadRequests {
		select {
		case <-l.stop:
			return
		default:
		}
		req, _ := http.NewRequest(http.MethodGet, l.site+prefix+fmt.Sprint(i), nil)
		if agent {
			req.Header.Set("Cookie", l.cookie)
		}
		resp, err := l.client.Do(req)
		status := 0
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			status = resp.StatusCode
		}
		switch {
		case agent && status == http.StatusOK:
			l.agentOK.Add(1)
		case agent && status == http.StatusServiceUnavailable:
			l.agentRefused.Add(1)
		case agent:
			l.agentFailed.Add(1)
		case status == http.StatusOK:
			l.plainOK.Add(1)
		default:
			l.plainFailed.Add(1)
		}
	}
}

func (l *agentLoad) finish() {
	close(l.stop)
	l.wg.Wait()
	l.client.CloseIdleConnections()
}

// appAgentPaths returns the paths of the agent requests the app got after
// the first n, and the request id each carried.
func appAgentPaths(a *echoApp, n int) map[string]string {
	out := map[string]string{}
	for _, r := range a.since(n) {
		if strings.HasPrefix(r.URI, "/agent/") {
			out[r.URI] = r.Header.Get("X-Lockbox-Request-Id")
		}
	}
	return out
}

// startedPaths maps the path of every http.started event to its request
// id, and counts the http.request outcomes that name each event.
func startedPaths(events []auditEvent) (started map[string]string, unknown int) {
	started = map[string]string{}
	linked := map[string]bool{}
	ids := map[string]bool{}
	for _, ev := range events {
		switch ev.Type {
		case "http.started":
			started[fmt.Sprint(ev.Data["path"])] = fmt.Sprint(ev.Data["request_id"])
			ids[ev.ID] = true
		case "http.request":
			if s, ok := ev.Data["started"].(string); ok {
				linked[s] = true
			}
		}
	}
	for id := range ids {
		if !linked[id] {
			unknown++
		}
	}
	return started, unknown
}

// wantEveryAppRequestRecorded fails unless every agent request the app got
// has an http.started event with the request id the app saw.
func wantEveryAppRequestRecorded(t *testing.T, app map[string]string, events []auditEvent) {
	t.Helper()
	started, unknown := startedPaths(events)
	missing := 0
	for path, id := range app {
		if started[path] != id {
			missing++
			if missing <= 5 {
				t.Errorf("the app got %s (request id %q) with no http.started event for it", path, id)
			}
		}
	}
	t.Logf("%d agent requests reached the app, %d http.started events, %d missing, %d with outcome unknown", len(app), len(started), missing, unknown)
	if missing > 0 {
		t.Fatalf("%d of %d agent requests the app got are not on the record", missing, len(app))
	}
}

func TestAuditGatewayKilledUnderLoad(t *testing.T) {
	// bbolt syncs the file on every batch, so it gets a shorter run.
	for backend, n := range map[string]int64{"bolt": 500, "redis": 2000} {
		t.Run(backend, func(t *testing.T) {
			var o envOptions
			if backend == "redis" {
				o.storage = "redis " + redistest.Start(t).URL()
			}
			e := newAgentEnv(t, o)
			gw := e.gw()
			gw.grant("acme", "--for", "1d", "--scopes", "read")
			bob := newAgentBrowser(t, gw.site)
			bob.loginConsole("bob")
			bob.enter("acme")
			before := e.app.hits()

			load := startLoad(gw.site, bob.cookieHeader(), 6, 0)
			testkit.EventuallyWithin(t, 30*time.Second, func() bool { return load.agentOK.Load() >= n }, "%d agent requests answered", n)
			_ = gw.cmd.Process.Kill() // SIGKILL: no flush, no cleanup
			<-gw.exited
			gw.cmd = nil
			load.finish()

			got := appAgentPaths(e.app, before)
			gw.spawn()
			gw.waitReady()
			events := gw.audit("acme")
			t.Logf("%s: %d agent requests answered 200 before the kill", backend, load.agentOK.Load())
			wantEveryAppRequestRecorded(t, got, events)
			if _, unknown := startedPaths(events); unknown > 0 {
				table := gw.ok("audit", "--tenant", "acme", "--limit", "100000")
				if n := strings.Count(table, "outcome=unknown"); n != unknown {
					t.Fatalf("lockbox audit marks %d requests outcome=unknown, want %d", n, unknown)
				}
			}
			out := gw.ok("audit", "verify", "--tenant", "acme")
			if !strings.Contains(strings.ToLower(out), "intact") {
				t.Fatalf("audit verify after the kill: %s", out)
			}
		})
	}
}

func TestAuditRedisKilledUnderLoad(t *testing.T) {
	// An append-only file synced on every write keeps what Redis
	// acknowledged, so after its restart the record can be checked.
	rs := redistest.StartWith(t, "--appendonly", "yes", "--appendfsync", "always")
	e := newAgentEnv(t, envOptions{storage: "redis " + rs.URL()})
	gw := e.gw()
	gw.grant("acme", "--for", "1d", "--scopes", "read")
	bob := newAgentBrowser(t, gw.site)
	bob.loginConsole("bob")
	bob.enter("acme")
	before := e.app.hits()

	load := startLoad(gw.site, bob.cookieHeader(), 4, 2)
	testkit.EventuallyWithin(t, 30*time.Second, func() bool { return load.agentOK.Load() >= 1000 }, "1000 agent requests answered")
	killAt := time.Now()
	okAtKill := load.agentOK.Load()
	rs.Kill()
	testkit.EventuallyWithin(t, 10*time.Second, func() bool { return load.agentRefused.Load() >= 50 }, "agents refused while Redis is down")
	refusedBefore := load.agentRefused.Load()
	// Count what reached the app after the kill, with Redis still down.
	down := e.app.since(before)
	okDuringOutage := load.agentOK.Load() - okAtKill

	rs.Restart()
	backAt := time.Now()
	testkit.EventuallyWithin(t, 5*time.Second, func() bool { return bob.get("/agent/back").status == http.StatusOK }, "an agent request served after Redis's return")
	recovery := time.Since(backAt)
	load.finish()

	afterKill := 0
	for _, r := range down {
		if strings.HasPrefix(r.URI, "/agent/") && r.At.After(killAt.Add(50*time.Millisecond)) {
			afterKill++
		}
	}
	t.Logf("agents: %d ok before the kill, %d ok after it (in flight), %d refused (503), %d failed otherwise; ordinary: %d ok, %d failed; agents served again %s after Redis's return",
		okAtKill, okDuringOutage, refusedBefore, load.agentFailed.Load(), load.plainOK.Load(), load.plainFailed.Load(), recovery.Round(time.Millisecond))
	if load.plainFailed.Load() != 0 {
		t.Fatalf("%d ordinary requests failed while Redis was down", load.plainFailed.Load())
	}
	if afterKill != 0 {
		t.Fatalf("%d agent requests reached the app more than 50ms after Redis was killed", afterKill)
	}
	if recovery > 2*time.Second {
		t.Fatalf("agents served again %s after Redis's return, want within 2s", recovery)
	}
	wantEveryAppRequestRecorded(t, appAgentPaths(e.app, before), gw.audit("acme"))
}

func TestAuditReplicaPausedRefusesAgents(t *testing.T) {
	master := redistest.Start(t)
	host, port, _ := strings.Cut(master.Addr(), ":")
	replica := redistest.StartWith(t, "--replicaof", host, port)
	t.Cleanup(replica.Resume)
	c := master.Client(t)
	testkit.EventuallyWithin(t, 10*time.Second, func() bool {
		info, _ := c.Info(context.Background(), "replication").Result()
		return strings.Contains(info, "connected_slaves:1") && strings.Contains(info, "state=online")
	}, "the replica to be online")

	// The wait is long enough that a replica merely slowed by a busy
	// machine (the whole suite runs at once) still answers in time.
	const replicaWait = 1500 * time.Millisecond
	e := newAgentEnv(t, envOptions{storage: "redis " + master.URL() + "\n\t\taudit_replicas 1 1500ms"})
	gw := e.gw()
	gw.grant("acme", "--for", "1d", "--scopes", "read")
	bob := newAgentBrowser(t, gw.site)
	bob.loginConsole("bob")
	bob.enter("acme")
	if p := bob.get("/agent/replicated"); p.status != http.StatusOK {
		t.Fatalf("agent request with the replica up: %d", p.status)
	}

	replica.Pause()
	hits := e.app.hits()
	start := time.Now()
	p := bob.get("/agent/unreplicated")
	waited := time.Since(start)
	wantRefusal(t, "an agent request with the replica paused", p, http.StatusServiceUnavailable, "Support access is paused")
	if e.app.hits() != hits {
		t.Fatal("an agent request reached the app while its event was on no replica")
	}
	if waited < replicaWait {
		t.Fatalf("refused after %s, before the replica wait (%s) ran out", waited, replicaWait)
	}
	t.Logf("refused after %s with the replica paused", waited.Round(time.Millisecond))

	replica.Resume()
	pollReply(t, bob, "/agent/again", 5*time.Second, func(p reply) bool { return p.status == http.StatusOK })
	events := gw.audit("acme")
	started, _ := startedPaths(events)
	if _, ok := started["/agent/replicated"]; !ok {
		t.Fatal("no http.started for the replicated request")
	}
	if n := countEvents(events, "session.started", ""); n != 1 {
		t.Fatalf("%d session.started events", n)
	}
	out := gw.ok("audit", "verify", "--tenant", "acme")
	if !strings.Contains(strings.ToLower(out), "intact") {
		t.Fatalf("audit verify: %s", out)
	}
}

// TestAuditFieldsThroughCLI reads the record's fields back with
// `lockbox audit --json`: the agent's issuer, subject and email on every
// agent event, the request id the app got, the status of a refusal, and
// the refusal of a request after the session ended.
func TestAuditFieldsThroughCLI(t *testing.T) {
	e := newAgentEnv(t, envOptions{})
	gw := e.gw()
	gw.grant("acme", "--for", "1d", "--scopes", "read")
	bob := newAgentBrowser(t, gw.site)
	bob.loginConsole("bob")
	bob.enter("acme")
	seen := bob.get("/orders").echo(t)
	reqID := seen.Header.Get("X-Lockbox-Request-Id")
	if len(reqID) < 20 {
		t.Fatalf("the app got request id %q", reqID)
	}
	wantRefusal(t, "a denied path", bob.get("/settings/billing"), http.StatusForbidden)
	gw.revoke("acme", "test")
	wantRefusal(t, "a request after the revoke", bob.get("/after"), http.StatusForbidden)

	var page struct {
		Events []struct {
			Type  string `json:"type"`
			Actor *struct {
				ID, Email, Iss string
			} `json:"actor"`
			Data map[string]any `json:"data"`
		}
	}
	testkit.EventuallyWithin(t, 10*time.Second, func() bool {
		gw.okJSON(&page, "audit", "--tenant", "acme", "--json")
		return slices.ContainsFunc(page.Events, func(ev struct {
			Type  string `json:"type"`
			Actor *struct {
				ID, Email, Iss string
			} `json:"actor"`
			Data map[string]any `json:"data"`
		}) bool {
			return ev.Type == "http.request"
		})
	}, "the outcome of GET /orders")
	found := map[string]bool{}
	for _, ev := range page.Events {
		if ev.Actor != nil && strings.HasPrefix(ev.Actor.ID, "agent:") {
			if ev.Actor.ID != "agent:bob" || ev.Actor.Email != "bob@support.example" || ev.Actor.Iss != e.idp.Issuer() {
				t.Fatalf("%s actor = %+v, want bob with issuer %s", ev.Type, *ev.Actor, e.idp.Issuer())
			}
			found["agent actor"] = true
		}
		switch {
		case (ev.Type == "http.started" || ev.Type == "http.request") && ev.Data["path"] == "/orders":
			if ev.Data["request_id"] != reqID {
				t.Fatalf("%s request_id = %v, the app got %s", ev.Type, ev.Data["request_id"], reqID)
			}
			found[ev.Type] = true
		case ev.Type == "access.denied" && ev.Data["path"] == "/settings/billing":
			if ev.Data["status"] != float64(http.StatusForbidden) {
				t.Fatalf("access.denied status = %v", ev.Data["status"])
			}
			found["denied"] = true
		case ev.Type == "access.denied" && ev.Data["path"] == "/after":
			if ev.Data["reason"] != "session_ended" || ev.Data["status"] != float64(http.StatusForbidden) {
				t.Fatalf("access.denied after the revoke = %v", ev.Data)
			}
			found["ended"] = true
		case ev.Type == "session.ended":
			// /orders and the refused /settings/billing; /after came
			// once the session had ended.
			if ev.Data["requests"] != float64(2) {
				t.Fatalf("session.ended counts %v requests, want 2", ev.Data["requests"])
			}
			found["session.ended"] = true
		}
	}
	for _, k := range []string{"agent actor", "http.started", "http.request", "denied", "ended", "session.ended"} {
		if !found[k] {
			t.Fatalf("no %s in the record: %+v", k, page.Events)
		}
	}

	// Logins and logouts, and a refused login, in the logins chain.
	c := bob.console()
	if p := bob.do(call{method: http.MethodPost, url: "/_lockbox/logout", form: url.Values{"csrf": {c.csrf}}}); p.status != http.StatusOK {
		t.Fatalf("logout: %d", p.status)
	}
	if p := bob.get("/_lockbox/callback?state=forged&code=x"); p.status < 400 {
		t.Fatalf("a forged callback: %d", p.status)
	}
	var logins struct {
		Events []struct {
			Type  string                    `json:"type"`
			Actor *struct{ ID, Iss string } `json:"actor"`
			Data  map[string]any            `json:"data"`
		}
	}
	gw.okJSON(&logins, "audit", "--logins", "--json")
	var types []string
	for _, ev := range logins.Events {
		types = append(types, ev.Type)
		switch ev.Type {
		case "agent.login", "agent.logout":
			if ev.Actor == nil || ev.Actor.ID != "agent:bob" || ev.Actor.Iss != e.idp.Issuer() {
				t.Fatalf("%s actor %+v", ev.Type, ev.Actor)
			}
		case "agent.login_refused":
			if ev.Data["reason"] == nil || ev.Data["reason"] == "" {
				t.Fatalf("refused login without a reason: %v", ev.Data)
			}
		}
	}
	if got := strings.Join(types, ","); got != "agent.login,agent.logout,agent.login_refused" {
		t.Fatalf("logins chain = %s", got)
	}
	if out := gw.ok("audit", "--logins"); !strings.Contains(out, "agent.login_refused") {
		t.Fatalf("lockbox audit --logins:\n%s", out)
	}
}

// accessLogCaddyfile is the agent tests' site with Caddy's access log
// written to a file.
var accessLogCaddyfile = template.Must(template.New("Caddyfile").Parse(`{
	admin {{.Admin}}
	default_bind 127.0.0.1
	http_port {{.Port}}
	lockbox {
		storage {{.Storage}}
	}
}

http://127.0.0.1:{{.Port}} {
	log {
		output file {{.Log}}
	}
	lockbox {
		oidc {{.IdP}} {
			client_id ` + e2eClientID + `
			client_secret {env.OIDC_CLIENT_SECRET}
		}
		role support groups support scopes read
		role operations groups customer-ops scopes read write pii
	}
	reverse_proxy {{.Upstream}}
}
`))

// TestRequestIDInAccessLog: Caddy's access log entry of an agent request
// names the request id the app got and the audit holds.
func TestRequestIDInAccessLog(t *testing.T) {
	bin := lockboxBinary(t)
	app := startEchoApp(t)
	gw := newGatewayProc(t, bin)
	idp := startIdP(t, []*gatewayProc{gw})
	logFile := filepath.Join(t.TempDir(), "access.log")
	gw.launchWith(accessLogCaddyfile, struct {
		siteConfig
		Log string
	}{siteConfig{Admin: gw.admin, Port: gw.port, Storage: "bolt " + filepath.Join(t.TempDir(), "lockbox.db"), IdP: idp.Issuer(), Upstream: app.hostport()}, logFile})
	gw.grant("acme", "--for", "1d", "--scopes", "read")
	bob := newAgentBrowser(t, gw.site)
	bob.loginConsole("bob")
	bob.enter("acme")
	id := bob.get("/logged").echo(t).Header.Get("X-Lockbox-Request-Id")
	if id == "" {
		t.Fatal("no request id reached the app")
	}
	testkit.EventuallyWithin(t, 10*time.Second, func() bool {
		raw, _ := os.ReadFile(logFile)
		for _, line := range strings.Split(string(raw), "\n") {
			var entry struct {
				RequestID string `json:"lockbox_request_id"`
				Request   struct {
					URI string `json:"uri"`
				} `json:"request"`
			}
			if json.Unmarshal([]byte(line), &entry) == nil && entry.Request.URI == "/logged" {
				if entry.RequestID != id {
					t.Fatalf("access log names request id %q, the app got %q", entry.RequestID, id)
				}
				return true
			}
		}
		return false
	}, "the access log entry of GET /logged")
}
