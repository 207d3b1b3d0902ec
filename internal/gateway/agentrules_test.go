package gateway_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/gateway"
)

func TestAgentWebSocketNeedsTheSiteOrigin(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", 24*time.Hour, "read", "write")
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	b.enter("acme")
	ws := http.Header{"Upgrade": {"websocket"}, "Connection": {"Upgrade"}, "Sec-Websocket-Version": {"13"}, "Sec-Websocket-Key": {"dGhlIHNhbXBsZSBub25jZQ=="}}
	foreign := []string{"http://evil.example", "null", strings.Replace(e.url(), "127.0.0.1", "localhost", 1), "https" + strings.TrimPrefix(e.url(), "http"), ""}
	hits := e.upstream.hits.Load()
	for _, origin := range foreign {
		h := ws.Clone()
		if origin != "" {
			h["Origin"] = []string{origin}
		}
		p := b.do(req{url: "/live", header: h})
		if p.status != http.StatusForbidden || !strings.Contains(p.body, "not opened by a page of this site") {
			t.Errorf("Origin %q: %d %.200s", origin, p.status, p.body)
		}
	}
	if e.upstream.hits.Load() != hits {
		t.Fatal("a foreign upgrade reached the app")
	}
	denied := e.waitEvents("acme", gateway.EventAccessDenied, len(foreign))
	for _, ev := range denied {
		if r := eventData(t, ev)["reason"]; r != "foreign_origin" {
			t.Errorf("access.denied reason %v", r)
		}
	}
	// The site's own origin goes on (the upstream is no WebSocket server,
	// so it answers as to any GET).
	h := ws.Clone()
	h["Origin"] = []string{e.url()}
	if got := b.do(req{url: "/live", header: h}).echo(t); got.Header.Get("X-Lockbox-Tenant") != "acme" {
		t.Fatalf("the own-origin upgrade reached the app without identity: %v", got.Header)
	}
}

func TestAgentMethodParamRefused(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", 24*time.Hour, "read")
	b := newBrowser(t, e.url())
	b.loginConsole("alice")
	b.enter("acme")
	targets := []string{"/items/7?_method=DELETE", "/items/7?a=1&%5Fmethod=DELETE", "/items?_METHOD=put"}
	hits := e.upstream.hits.Load()
	for _, target := range targets {
		if p := b.get(target); p.status != http.StatusBadRequest || !strings.Contains(p.body, "_method") {
			t.Errorf("%s: %d %.200s", target, p.status, p.body)
		}
	}
	if e.upstream.hits.Load() != hits {
		t.Fatal("a _method request reached the app")
	}
	for _, ev := range e.waitEvents("acme", gateway.EventAccessDenied, len(targets)) {
		if r := eventData(t, ev)["reason"]; r != "method_override" {
			t.Errorf("access.denied reason %v", r)
		}
	}
	if got := b.get("/items?method=x").echo(t); got.Method != http.MethodGet {
		t.Fatalf("a plain query: %+v", got)
	}
	if got := newBrowser(t, e.url()).get("/items?_method=DELETE").echo(t); got.Method != http.MethodGet {
		t.Fatalf("ordinary traffic: %+v", got)
	}
}

func TestAgentRequestsLoseRoutingHeaders(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", 24*time.Hour, "read", "write")
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	b.enter("acme")
	h := http.Header{
		"X-Original-URL":     {"/settings/billing"},
		"x_rewrite_url":      {"/settings/billing"},
		"X-Forwarded-Uri":    {"/settings/billing"},
		"X.Forwarded.Prefix": {"/admin"},
		"Forwarded":          {"for=6.6.6.6"},
		"X_Forwarded_For":    {"6.6.6.6"},
		"X-Request-Id":       {"kept"},
	}
	got := b.do(req{url: "/orders", header: h}).echo(t)
	for name := range got.Header {
		switch foldName(name) {
		case "x-original-url", "x-rewrite-url", "x-forwarded-uri", "x-forwarded-prefix", "forwarded":
			t.Errorf("upstream got %s", name)
		}
		if name == "X_Forwarded_For" {
			t.Errorf("upstream got %s", name)
		}
	}
	if got.Header.Get("X-Request-Id") != "kept" || got.Header.Get("X-Lockbox-Tenant") != "acme" {
		t.Fatalf("upstream got %v", got.Header)
	}
}
