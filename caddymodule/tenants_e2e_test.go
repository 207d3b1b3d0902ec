package caddymodule_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestTenantHostsThroughCaddy(t *testing.T) {
	t.Parallel()
	e := newTenantEnv(t, true)
	gw := e.gw()
	gw.grant("acme", "--for", "1d", "--scopes", "read,write")
	gw.grant("globex", "--for", "1d", "--scopes", "read")
	bob := e.tenantBrowser(t)
	bob.loginConsole("bob")
	if !strings.Contains(bob.get("/_lockbox/").body, e.tenantURL("acme", "/")) {
		t.Fatal("the console does not link acme to its address")
	}

	// Signed in once on the login host; entering acme hands over to
	// acme's host with a ticket, spent there for a cookie of its own.
	ticket := bob.enterTenant("acme")
	if !strings.HasPrefix(ticket, e.tenantURL("acme", "/_lockbox/enter?ticket=")) {
		t.Fatalf("entering acme sent the browser to %q", ticket)
	}
	got := bob.do(call{url: ticket, follow: true})
	if got.url.Host != fmt.Sprintf("acme.localhost:%d", gw.port) {
		t.Fatalf("landed on %s", got.url)
	}
	ids := lockboxHeaders(got.echo(t).Header)
	if ids["x-lockbox-tenant"] != "acme" || ids["x-lockbox-scopes"] != "read write" {
		t.Fatalf("acme's app got %v", ids)
	}
	pass := bob.cookieOn(e.tenantURL("acme", "/"))
	if pass == "" || pass == bob.cookieOn(gw.site) {
		t.Fatal("acme's host has no cookie of its own")
	}
	if ids := lockboxHeaders(bob.get(e.tenantURL("acme", "/orders/7")).echo(t).Header); ids["x-lockbox-tenant"] != "acme" {
		t.Fatalf("acme's app got %v", ids)
	}

	// A replayed ticket is refused and audited.
	hits := e.app.hits()
	wantRefusal(t, "a replayed ticket", bob.get(ticket), http.StatusForbidden, "used already")
	e.untouched(t, hits, "a replayed ticket")
	e.waitDenied(t, "acme", "ticket_replayed")

	// On globex's host the browser has no cookie: nothing of bob's
	// session goes there. acme's cookie carried there is refused.
	if ids := lockboxHeaders(bob.get(e.tenantURL("globex", "/")).echo(t).Header); len(ids) != 0 {
		t.Fatalf("globex's app got %v", ids)
	}
	hits = e.app.hits()
	globexHost := fmt.Sprintf("globex.localhost:%d", gw.port)
	wantRefusal(t, "acme's cookie on globex's host", e.hostRequest(t, globexHost, "/", pass), http.StatusForbidden, "belongs to globex")
	e.untouched(t, hits, "acme's cookie on globex's host")
	e.waitDenied(t, "acme", "wrong_tenant")

	// Hosts not written as the site's are refused (Caddy routes them
	// here, since it matches hosts without regard to case).
	for _, host := range []string{
		fmt.Sprintf("ACME.localhost:%d", gw.port),
		fmt.Sprintf("acme.LOCALHOST:%d", gw.port),
		fmt.Sprintf("-acme.localhost:%d", gw.port),
	} {
		wantRefusal(t, "Host "+host, e.hostRequest(t, host, "/", pass), http.StatusBadRequest)
	}
	// With a trailing dot no site of Caddy's matches: Caddy answers
	// itself, and nothing reaches the app.
	if p := e.hostRequest(t, fmt.Sprintf("acme.localhost.:%d", gw.port), "/", pass); p.body != "" {
		t.Fatalf("a host with a trailing dot: %s", p.summary())
	}
	e.untouched(t, hits, "badly written hosts")

	// Alice works in globex meanwhile.
	alice := e.tenantBrowser(t)
	alice.loginConsole("alice")
	if ids := lockboxHeaders(alice.do(call{url: alice.enterTenant("globex"), follow: true}).echo(t).Header); ids["x-lockbox-tenant"] != "globex" {
		t.Fatalf("globex's app got %v for alice", ids)
	}

	// Revoking acme bites at once on acme's host; globex goes on.
	gw.revoke("acme", "case closed")
	hits = e.app.hits()
	wantRefusal(t, "acme after the revoke", bob.get(e.tenantURL("acme", "/orders/7")), http.StatusForbidden, "Access revoked")
	e.untouched(t, hits, "acme after the revoke")
	if ids := lockboxHeaders(alice.get(e.tenantURL("globex", "/")).echo(t).Header); ids["x-lockbox-tenant"] != "globex" {
		t.Fatalf("globex's app got %v after acme's revoke", ids)
	}

	// Bob enters globex from the same login and works there.
	got = bob.do(call{url: bob.enterTenant("globex"), follow: true})
	if ids := lockboxHeaders(got.echo(t).Header); ids["x-lockbox-tenant"] != "globex" || ids["x-lockbox-agent"] != "bob@support.example" {
		t.Fatalf("globex's app got %v for bob", ids)
	}
}

func TestTenantPathsThroughCaddy(t *testing.T) {
	t.Parallel()
	e := newTenantEnv(t, false)
	gw := e.gw()
	gw.grant("acme", "--for", "1d", "--scopes", "read,write")
	gw.grant("globex", "--for", "1d", "--scopes", "read")
	bob := e.tenantBrowser(t)
	bob.loginConsole("bob")
	if to := bob.enterTenant("acme"); to != "/t/acme/" {
		t.Fatalf("entering acme sent the browser to %q", to)
	}
	if ids := lockboxHeaders(bob.get("/t/acme/orders").echo(t).Header); ids["x-lockbox-tenant"] != "acme" {
		t.Fatalf("acme's pages got %v", ids)
	}
	if ids := lockboxHeaders(bob.get("/static/app.css").echo(t).Header); ids["x-lockbox-tenant"] != "acme" {
		t.Fatalf("a shared page got %v", ids)
	}
	hits := e.app.hits()
	cookie := bob.cookieOn(gw.site)
	host := strings.TrimPrefix(gw.site, "http://")
	for _, tt := range []struct {
		target string
		status int
		reason string
	}{
		{"/t/globex/", http.StatusForbidden, "wrong_tenant"},
		{"/t/%61cme/", http.StatusBadRequest, "bad_tenant_address"},
		{"/t/acme/../globex/", http.StatusBadRequest, ""},
		{"/t/acme/%2e%2e/globex/", http.StatusBadRequest, ""},
		{"/t/ACME/", http.StatusBadRequest, "bad_tenant_address"},
		{"/T/acme/", http.StatusForbidden, "no_tenant"},
		{"/", http.StatusForbidden, "no_tenant"},
	} {
		wantRefusal(t, tt.target, e.hostRequest(t, host, tt.target, cookie), tt.status)
		if tt.reason != "" {
			e.waitDenied(t, "acme", tt.reason)
		}
	}
	e.untouched(t, hits, "requests outside acme")

	alice := e.tenantBrowser(t)
	alice.loginConsole("alice")
	alice.enterTenant("globex")
	gw.revoke("acme", "case closed")
	wantRefusal(t, "acme after the revoke", bob.get("/t/acme/orders"), http.StatusForbidden, "Access revoked")
	e.untouched(t, hits, "acme after the revoke")
	if ids := lockboxHeaders(alice.get("/t/globex/").echo(t).Header); ids["x-lockbox-tenant"] != "globex" {
		t.Fatalf("globex's pages got %v after acme's revoke", ids)
	}
	if to := bob.enterTenant("globex"); to != "/t/globex/" {
		t.Fatalf("entering globex sent bob to %q", to)
	}
	if ids := lockboxHeaders(bob.get("/t/globex/").echo(t).Header); ids["x-lockbox-tenant"] != "globex" {
		t.Fatalf("globex's pages got %v for bob", ids)
	}
}
