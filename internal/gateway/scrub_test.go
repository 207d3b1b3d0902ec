package gateway_test

import (
	"maps"
	"net/http"
	"testing"
	"time"
)

// spoofs are client-sent headers that could pass for Lockbox's, in the
// spellings servers and frameworks read alike.
var spoofs = []struct {
	name   string
	header http.Header // raw names, sent as written
}{
	{"canonical", http.Header{"X-Lockbox-Tenant": {"globex"}, "X-Lockbox-Agent": {"mallory@evil.example"}}},
	{"lowercase", http.Header{"x-lockbox-tenant": {"globex"}, "x-lockbox-scopes": {"read write pii"}}},
	{"uppercase", http.Header{"X-LOCKBOX-PII": {"visible"}, "X-LOCKBOX-BREAK-GLASS": {"true"}}},
	{"mixed case", http.Header{"x-LockBox-Session": {"s_forged"}, "X-lOcKbOx-GrAnT": {"g_forged"}}},
	{"underscores", http.Header{"X_Lockbox_Agent": {"mallory@evil.example"}, "x_lockbox_agent_sub": {"mallory"}}},
	{"dots", http.Header{"X.Lockbox.Token": {"forged.jwt.value"}, "x.lockbox.tenant": {"globex"}}},
	{"mixed separators", http.Header{"X-Lockbox_Agent.Sub": {"mallory"}}},
	{"repeated", http.Header{"X-Lockbox-Tenant": {"globex", "initech"}}},
	{"connection strips ours", http.Header{"Connection": {"keep-alive, X-Lockbox-Tenant, x_lockbox_token"}}},
}

func TestSpoofedHeadersNeverReachTheApp(t *testing.T) {
	e := newEnv(t, options{})
	g := e.grant("acme", 24*time.Hour, "read", "write")
	ordinary := newBrowser(t, e.url())
	agent := newBrowser(t, e.url())
	agent.loginConsole("bob")
	agent.enter("acme")
	truth := lockboxHeaders(agent.get("/").echo(t).Header)
	if truth["x-lockbox-tenant"] != "acme" || truth["x-lockbox-grant"] != g.ID || len(truth["x-lockbox-request-id"]) < 20 {
		t.Fatalf("agent's own headers: %v", truth)
	}
	delete(truth, "x-lockbox-request-id") // one per request

	for _, sp := range spoofs {
		t.Run(sp.name+"/ordinary", func(t *testing.T) {
			got := ordinary.do(req{url: "/x", header: sp.header}).echo(t)
			if ids := lockboxHeaders(got.Header); len(ids) != 0 {
				t.Fatalf("upstream got %v", ids)
			}
		})
		t.Run(sp.name+"/agent", func(t *testing.T) {
			got := agent.do(req{url: "/x", header: sp.header}).echo(t)
			ids := lockboxHeaders(got.Header)
			if id := ids["x-lockbox-request-id"]; id == "" || sp.header.Get("X-Lockbox-Request-Id") == id {
				t.Fatalf("request id %q is not the gateway's own", id)
			}
			delete(ids, "x-lockbox-request-id")
			if !maps.Equal(ids, truth) {
				t.Fatalf("upstream got\n%v\nwant the gateway's own\n%v", ids, truth)
			}
		})
	}
}

func TestAgentRequestsLoseMethodOverrides(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", 24*time.Hour, "read", "write")
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	b.enter("acme")
	h := http.Header{
		"X-Http-Method-Override": {"DELETE"},
		"x-method-override":      {"DELETE"},
		"X-HTTP-Method":          {"DELETE"},
		"X_Http_Method_Override": {"DELETE"},
	}
	got := b.do(req{method: http.MethodPost, url: "/api/items/7", header: h}).echo(t)
	for name := range got.Header {
		for spoof := range h {
			if foldName(name) == foldName(spoof) {
				t.Errorf("upstream got method override %s", name)
			}
		}
	}
	if got.Method != http.MethodPost {
		t.Fatalf("upstream saw %s", got.Method)
	}
}
