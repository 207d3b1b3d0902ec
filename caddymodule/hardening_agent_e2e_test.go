package caddymodule_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// routingSpoofs are routing and forwarding headers a client could send to
// make the app serve or log something other than what Lockbox checked.
var routingSpoofs = []string{
	"X-Original-URL: /settings/billing",
	"X.Original.URI: /settings/billing",
	"X-Rewrite-URL: /settings/billing",
	"X-Forwarded-Uri: /settings/billing",
	"X-Forwarded-Prefix: /admin",
	"X_Forwarded_Path: /settings/billing",
	"Forwarded: for=6.6.6.6;host=evil.example;proto=https",
	"forwarded: for=7.7.7.7",
	"X_Forwarded_For: 6.6.6.6",
	"X-Forwarded-For: 6.6.6.6",
	"X-Forwarded-Host: evil.example",
}

func TestEdgeAgentRoutingHeadersRemoved(t *testing.T) {
	t.Parallel()
	// Some '_' and '.' spellings are let in, as an operator might for an
	// app that uses such names, so Lockbox is what removes them. (Caddy
	// then drops the hyphenated spelling of those names, so the names the
	// issue lists are sent hyphenated.)
	e := newEdgeEnv(t, []string{"X_Forwarded_Path", "X_Forwarded_For"}, []string{"X.Original.URI"})
	rawExchange(t, e.gw.site, "GET", "GET /orders HTTP/1.1", append([]string{e.cookie, "Connection: close"}, routingSpoofs...), "").echo(t)
	got := e.app.last(t)
	if got.Header.Get("X-Lockbox-Tenant") != "acme" || got.URI != "/orders" {
		t.Fatalf("not the agent's request: %s %v", got.URI, got.Header)
	}
	for name := range got.Header {
		switch foldName(name) {
		case "x-original-url", "x-original-uri", "x-rewrite-url", "x-forwarded-uri", "x-forwarded-prefix", "x-forwarded-path", "forwarded":
			t.Errorf("the app got %s: %q", name, got.Header[name])
		}
	}
	// Caddy's own forwarding headers stand: the client is not a trusted
	// proxy, so its values are replaced.
	host := strings.TrimPrefix(e.gw.site, "http://")
	if got.Header.Get("X-Forwarded-For") != "127.0.0.1" || got.Header.Get("X-Forwarded-Host") != host ||
		got.Header.Get("X-Forwarded-Proto") != "http" || len(got.Header["X_Forwarded_For"]) != 0 {
		t.Fatalf("forwarding headers: %v", got.Header)
	}

	// Ordinary traffic is the app's business: the headers pass (the
	// control that shows the site lets them in).
	rawExchange(t, e.gw.site, "GET", "GET /orders HTTP/1.1", append([]string{"Connection: close"}, routingSpoofs...), "").echo(t)
	h := e.app.last(t).Header
	for _, name := range []string{"X-Original-Url", "X-Rewrite-Url", "X-Forwarded-Uri", "X-Forwarded-Prefix", "Forwarded", "X_forwarded_path", "X.original.uri"} {
		if len(h[name]) == 0 {
			t.Errorf("the control request lost %s, which the site lets in: %v", name, h)
		}
	}
}

// foldName folds a header name as Lockbox compares them.
func foldName(name string) string {
	return strings.NewReplacer("_", "-", ".", "-").Replace(strings.ToLower(name))
}

// trailingSegments are paths with a segment ending in a dot or a space,
// which IIS and some Java servers trim, so each reads as the denied
// /settings/billing there.
var trailingSegments = []string{
	"/settings./billing",
	"/settings%2e/billing",
	"/settings%2E/billing",
	"/settings%20/billing",
	"/settings.%20/billing",
	"/settings%2e%2e%2e/billing",
	"/settings%C2%A0/billing",
	"/settings%E3%80%80/billing",
}

func TestEdgeAgentSegmentsEndingInDotOrSpaceRefused(t *testing.T) {
	t.Parallel()
	e := newEdgeEnv(t, nil, nil)
	wantAllRefused(t, e, trailingSegments, "ends in a dot or a space")
	for _, target := range []string{"/files/report.v2/x", "/a.b", "/v1.2/items"} {
		if got := rawExchange(t, e.gw.site, "GET", "GET "+target+" HTTP/1.1", []string{e.cookie, "Connection: close"}, "").echo(t); got.URI != target {
			t.Errorf("%s reached the app as %s", target, got.URI)
		}
	}
	var events []auditEvent
	testkit.EventuallyWithin(t, 10*time.Second, func() bool {
		events = e.gw.audit("acme")
		return countEvents(events, "access.denied", "ambiguous_path") == len(trailingSegments)
	}, "%d access.denied (ambiguous_path) events: %+v", len(trailingSegments), events)
}

// wantAllRefused sends each target as the agent's GET and wants it
// refused with 400 and text, none reaching the app.
func wantAllRefused(t *testing.T, e *edgeEnv, targets []string, text string) {
	t.Helper()
	hits := e.app.hits()
	for _, target := range targets {
		p := rawExchange(t, e.gw.site, "GET", "GET "+target+" HTTP/1.1", []string{e.cookie, "Connection: close"}, "")
		wantRefusal(t, target, p, http.StatusBadRequest, text)
	}
	if e.app.hits() != hits {
		t.Fatalf("a refused request reached the app: %+v", e.app.last(t))
	}
}

// methodParams are queries some framework reads as a _method override.
var methodParams = []string{
	"/orders?_method=DELETE",
	"/orders?page=2&_method=PUT",
	"/orders?_METHOD=delete",
	"/orders?%5Fmethod=DELETE",
	"/orders?%5fMETHOD=DELETE",
	"/orders?_method%5B%5D=DELETE",
	"/orders?.method=DELETE",
	"/orders?+method=DELETE",
	"/orders?x=1;_method=DELETE",
	"/orders?_method",
}

func TestEdgeAgentMethodParamRefused(t *testing.T) {
	t.Parallel()
	e := newEdgeEnv(t, nil, nil)
	wantAllRefused(t, e, methodParams, "_method")
	for _, target := range []string{"/orders?method=DELETE", "/orders?x=_method", "/orders?_methods=1", "/orders?my_method=1"} {
		if got := rawExchange(t, e.gw.site, "GET", "GET "+target+" HTTP/1.1", []string{e.cookie, "Connection: close"}, "").echo(t); got.URI != target {
			t.Errorf("%s reached the app as %s", target, got.URI)
		}
	}
	// Without a session it is the app's traffic.
	if got := rawExchange(t, e.gw.site, "GET", "GET /orders?_method=DELETE HTTP/1.1", []string{"Connection: close"}, "").echo(t); got.URI != "/orders?_method=DELETE" {
		t.Fatalf("ordinary traffic reached the app as %s", got.URI)
	}
	var events []auditEvent
	testkit.EventuallyWithin(t, 10*time.Second, func() bool {
		events = e.gw.audit("acme")
		return countEvents(events, "access.denied", "method_override") == len(methodParams)
	}, "%d access.denied (method_override) events: %+v", len(methodParams), events)
}
