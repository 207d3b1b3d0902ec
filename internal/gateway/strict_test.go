package gateway_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/gateway"
	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// TestStrictAuditIsDurableBeforeTheApp: with audit strict (the default),
// when the app receives an agent request its http.started event, naming
// the request id the app gets, is already in the store; the outcome
// follows as http.request linked to it. Requests sent at once share
// writes, and every event names the agent's issuer.
func TestStrictAuditIsDurableBeforeTheApp(t *testing.T) {
	e := newEnv(t, options{redis: redistest.Start(t)})
	e.grant("acme", 24*time.Hour, "read", "write")
	agent := newBrowser(t, e.url())
	agent.loginConsole("bob")
	agent.enter("acme")

	var mu sync.Mutex
	var unrecorded []string
	seen := func(r *http.Request) {
		id := r.Header.Get("X-Lockbox-Request-Id")
		for _, ev := range e.eventsOf("acme", gateway.EventHTTPStarted) {
			if eventData(t, ev)["request_id"] == id {
				return
			}
		}
		mu.Lock()
		unrecorded = append(unrecorded, r.URL.Path+" "+id)
		mu.Unlock()
	}
	e.upstream.seen.Store(&seen)
	const n = 16
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if p := agent.get("/r/" + strconv.Itoa(i)); p.status != http.StatusOK {
				t.Errorf("request %d: %d", i, p.status)
			}
		}()
	}
	wg.Wait()
	e.upstream.seen.Store(nil)
	mu.Lock() // the app's handler wrote it; a socket is no happens-before edge for the race detector
	defer mu.Unlock()
	if len(unrecorded) > 0 {
		t.Fatalf("the app got %d requests before their event was durable: %v", len(unrecorded), unrecorded)
	}

	started := e.eventsOf("acme", gateway.EventHTTPStarted)
	outcomes := e.waitEvents("acme", gateway.EventHTTPRequest, n)
	if len(started) != n || len(outcomes) != n {
		t.Fatalf("%d http.started and %d http.request events for %d requests", len(started), len(outcomes), n)
	}
	byID := map[string]store.Event{}
	for _, ev := range started {
		byID[ev.ID] = ev
		if ev.Actor == nil || ev.Actor.Issuer != e.idp.Issuer() || ev.Actor.ID != "agent:bob" || ev.Actor.Email != "bob@support.example" {
			t.Fatalf("http.started actor %+v, want bob from %s", ev.Actor, e.idp.Issuer())
		}
	}
	for _, ev := range outcomes {
		d := eventData(t, ev)
		first, ok := byID[d["started"].(string)]
		if !ok || eventData(t, first)["request_id"] != d["request_id"] || d["status"] != float64(200) || first.Seq >= ev.Seq {
			t.Fatalf("outcome %+v is not linked to an earlier http.started", d)
		}
	}
	e.waitSessionRequests("acme", n)
	e.verifyAudit("acme")
}

// TestBufferedAuditHasNoStartedEvent: audit buffered keeps one
// http.request per request, written after the response.
func TestBufferedAuditHasNoStartedEvent(t *testing.T) {
	e := newEnv(t, options{buffered: true})
	e.grant("acme", 24*time.Hour, "read")
	agent := newBrowser(t, e.url())
	agent.loginConsole("bob")
	agent.enter("acme")
	agent.get("/a")
	e.waitEvents("acme", gateway.EventHTTPRequest, 1)
	if s := e.eventsOf("acme", gateway.EventHTTPStarted); len(s) != 0 {
		t.Fatalf("audit buffered wrote %d http.started events", len(s))
	}
}

// TestStrictStoreDownRefusesAgentsAtOnce: with Redis gone, the very next
// agent request is refused with the 503 page and never reaches the app,
// however warm the caches; ordinary traffic goes on; agents are served
// again once Redis is back.
func TestStrictStoreDownRefusesAgentsAtOnce(t *testing.T) {
	srv := redistest.Start(t)
	e := newEnv(t, options{redis: srv})
	e.grant("acme", 24*time.Hour, "read")
	agent := newBrowser(t, e.url())
	agent.loginConsole("bob")
	agent.enter("acme")
	ordinary := newBrowser(t, e.url())
	if p := agent.get("/warm"); p.status != http.StatusOK {
		t.Fatalf("warm-up: %d", p.status)
	}
	c := agent.console()

	srv.Stop()
	// The console and entering a tenant fail closed too.
	if p := agent.get("/_lockbox/"); p.status != http.StatusServiceUnavailable {
		t.Fatalf("console with Redis down: %d, want 503", p.status)
	}
	if p := agent.post("/_lockbox/sessions", url.Values{"csrf": {c.csrf}, "tenant": {"acme"}}); p.status != http.StatusServiceUnavailable {
		t.Fatalf("entering a tenant with Redis down: %d, want 503", p.status)
	}
	hits := e.upstream.hits.Load()
	for i := range 5 {
		if p := agent.get("/down/" + strconv.Itoa(i)); p.status != http.StatusServiceUnavailable {
			t.Fatalf("agent request %d with Redis down: %d, want 503", i, p.status)
		}
		if p := ordinary.get("/plain/" + strconv.Itoa(i)); p.status != http.StatusOK {
			t.Fatalf("ordinary request %d with Redis down: %d", i, p.status)
		}
	}
	if got := e.upstream.hits.Load() - hits; got != 5 {
		t.Fatalf("the app got %d requests with Redis down, want only the 5 ordinary ones", got)
	}

	srv.Restart()
	testkit.Eventually(t, func() bool { return agent.get("/back").status == http.StatusOK }, "agents to be served again")
	e.verifyAudit("acme")
	for _, ev := range e.eventsOf("acme", gateway.EventHTTPStarted) {
		if p := eventData(t, ev)["path"].(string); len(p) > 6 && p[:6] == "/down/" {
			t.Fatalf("a refused request was recorded as sent: %s", p)
		}
	}
}

// TestEndedSessionRefusalIsRecorded: a request after the grant was
// revoked is refused with 403, and access.denied records why and the
// status sent.
func TestEndedSessionRefusalIsRecorded(t *testing.T) {
	e := newEnv(t, options{})
	g := e.grant("acme", 24*time.Hour, "read")
	agent := newBrowser(t, e.url())
	agent.loginConsole("bob")
	agent.enter("acme")
	agent.get("/a")
	e.revoke("acme", g.ID)
	if p := agent.get("/after"); p.status != http.StatusForbidden {
		t.Fatalf("request after revoke: %d", p.status)
	}
	denied := e.eventsOf("acme", gateway.EventAccessDenied)
	i := slices.IndexFunc(denied, func(ev store.Event) bool { return eventData(t, ev)["path"] == "/after" })
	if i < 0 {
		t.Fatalf("no access.denied for the refused request: %+v", denied)
	}
	d := eventData(t, denied[i])
	if d["reason"] != "session_ended" || d["status"] != float64(http.StatusForbidden) || denied[i].Actor.Issuer == "" {
		t.Fatalf("access.denied = %v, actor %+v", d, denied[i].Actor)
	}
	ended := e.eventsOf("acme", gateway.EventSessionEnded)
	if len(ended) != 1 || eventData(t, ended[0])["requests"] != float64(1) {
		t.Fatalf("session.ended = %+v", ended)
	}
}

// waitSessionRequests waits until the tenant's only session counts n
// requests.
func (e *env) waitSessionRequests(tenant string, n int64) {
	e.t.Helper()
	sess := e.sessions(tenant)[0]
	testkit.Eventually(e.t, func() bool {
		s, err := e.store.GetSession(e.ctx, tenant, sess.ID)
		return err == nil && s.Requests == n
	}, "the session to count %d requests", n)
}

// TestSessionEndedCountsUnwrittenRequests: the request count that
// session.ended records includes requests whose activity the audit writer
// has not yet written (here it writes activity at most once an hour).
func TestSessionEndedCountsUnwrittenRequests(t *testing.T) {
	for _, buffered := range []bool{false, true} {
		t.Run(map[bool]string{false: "strict", true: "buffered"}[buffered], func(t *testing.T) {
			e := newEnv(t, options{buffered: buffered, auditInterval: time.Hour})
			e.grant("acme", 24*time.Hour, "read")
			b := newBrowser(t, e.url())
			c := b.loginConsole("bob")
			b.enter("acme")
			for i := range 3 {
				if p := b.get("/r/" + strconv.Itoa(i)); p.status != http.StatusOK {
					t.Fatalf("request %d: %d", i, p.status)
				}
			}
			if p := b.post("/_lockbox/logout", url.Values{"csrf": {c.csrf}}); p.status != http.StatusOK {
				t.Fatalf("logout: %d", p.status)
			}
			// Closing the writer writes what it queued (buffered events).
			if err := e.insts[0].audit.Close(e.ctx); err != nil {
				t.Fatal(err)
			}
			ended := e.eventsOf("acme", gateway.EventSessionEnded)
			if len(ended) != 1 {
				t.Fatalf("%d session.ended events", len(ended))
			}
			if got := eventData(t, ended[0])["requests"]; got != float64(3) {
				t.Fatalf("session.ended counts %v requests, want 3", got)
			}
		})
	}
}
