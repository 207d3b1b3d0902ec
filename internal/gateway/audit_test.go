package gateway_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/gateway"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

func TestEveryProxiedAgentRequestIsAuditedOnce(t *testing.T) {
	e := newEnv(t, options{})
	g := e.grant("acme", 24*time.Hour, "read", "write")
	agent := newBrowser(t, e.url())
	agent.loginConsole("bob")
	agent.enter("acme")
	ordinary := newBrowser(t, e.url())

	type sent struct {
		method, path string
		status       int
	}
	var want []sent
	send := func(method, path string, status int) {
		t.Helper()
		p := agent.do(req{method: method, url: path})
		if p.status != status {
			t.Fatalf("%s %s = %d, want %d", method, path, p.status, status)
		}
		want = append(want, sent{method, strings.SplitN(path, "?", 2)[0], status})
		// Ordinary traffic and Lockbox's own pages in between leave nothing.
		ordinary.get(path)
		agent.get("/_lockbox/")
	}
	send(http.MethodGet, "/", http.StatusOK)
	send(http.MethodGet, "/orders?page=2", http.StatusOK)
	send(http.MethodPost, "/orders", http.StatusOK)
	send(http.MethodGet, "/missing?status=404", http.StatusNotFound)
	send(http.MethodDelete, "/orders/7?status=500", http.StatusInternalServerError)
	send(http.MethodGet, "/early-hints", http.StatusOK)
	send(http.MethodHead, "/", http.StatusOK)
	n := len(want)

	sess := e.sessions("acme")[0]
	testkit.Eventually(t, func() bool {
		s, err := e.store.GetSession(e.ctx, "acme", sess.ID)
		return err == nil && s.Requests == int64(n)
	}, "the session to count %d requests", n)
	got := e.waitEvents("acme", gateway.EventHTTPRequest, n)
	if len(got) != n {
		t.Fatalf("%d http.request events for %d requests", len(got), n)
	}
	for i, ev := range got {
		d := eventData(t, ev)
		w := want[i]
		if d["method"] != w.method || d["path"] != w.path || d["status"] != float64(w.status) {
			t.Errorf("event %d: %v, want %+v", i, d, w)
		}
		if bytes, _ := d["bytes"].(float64); (w.method == http.MethodHead) != (bytes == 0) {
			t.Errorf("event %d: %v bytes", i, d["bytes"])
		}
		if ev.Session != sess.ID || ev.Grant != g.ID || ev.Actor == nil || ev.Actor.Email != "bob@support.example" {
			t.Errorf("event %d: session %q grant %q actor %+v", i, ev.Session, ev.Grant, ev.Actor)
		}
	}
	if started := e.eventsOf("acme", gateway.EventSessionStarted); len(started) != 1 || started[0].Session != sess.ID {
		t.Fatalf("session.started events: %+v", started)
	}

	// Closing the writer writes nothing more: nothing was left over.
	if err := e.insts[0].audit.Close(e.ctx); err != nil {
		t.Fatal(err)
	}
	if after := e.eventsOf("acme", gateway.EventHTTPRequest); len(after) != n {
		t.Fatalf("%d http.request events after the writer closed, want %d", len(after), n)
	}
	e.verifyAudit("acme")
}
