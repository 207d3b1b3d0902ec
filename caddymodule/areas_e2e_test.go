package caddymodule_test

import (
	"net/http"
	"net/url"
	"testing"
)

// TestAreaLimitedRequestThroughCaddy: an agent asks for the planning area
// only, two admins approve, and through a real lockbox process the agent
// reaches planning and calendar in any spelling while every other path,
// however encoded, is refused before the app sees it.
func TestAreaLimitedRequestThroughCaddy(t *testing.T) {
	t.Parallel()
	s := startAccessSite(t)
	g, api, upstream := s.g, s.api, s.app
	s.admins("acme", "ana", "ana@example.com", "owner", "ben", "ben@example.com", "admin")
	alice := newAgentBrowser(t, g.site)
	alice.loginConsole("alice")
	alice.ask(url.Values{"tenant": {"acme"}, "reason": {"planning board is stuck"}, "duration": {"1d"}, "areas": {"planning"}})
	var listed struct{ Requests []requestJSON }
	api.must(http.MethodGet, "/tenants/acme/requests", http.StatusOK, &listed, nil)
	for _, admin := range []string{"ana", "ben"} {
		api.must(http.MethodPost, "/requests/"+listed.Requests[0].ID+"/approve", http.StatusOK, nil, map[string]any{"admin": map[string]string{"id": admin}})
	}
	alice.enter("acme")
	cookie := "Cookie: " + alice.cookieHeader()

	for _, target := range []string{"/planning", "/planning/board?week=3", "/PLANNING/Board", "/%70lanning/board", "/calendar/2026"} {
		if got := alice.get(target).echo(t); got.Header.Get("X-Lockbox-Tenant") != "acme" {
			t.Errorf("%s inside the area reached the app without the agent's headers", target)
		}
	}
	hits := upstream.hits()
	for _, tt := range []struct {
		target string
		raw    bool // sent over plain TCP, exactly as written
	}{
		{target: "/orders"},
		{target: "/%6frders"},
		{target: "/ORDERS"},
		{target: "/plan"},
		{target: "/planning/../orders", raw: true},
		{target: "/planning/./../orders", raw: true},
		{target: "/planning%2F..%2Forders", raw: true},
		{target: "/planning%2f..%2forders", raw: true},
		{target: "/planning/%2e%2e/orders", raw: true},
		{target: "/planning;/../orders", raw: true},
		{target: "/planning%00/../orders", raw: true},
		{target: "/planning%5C..%5Corders", raw: true},
		{target: "//planning/../orders", raw: true},
	} {
		var p reply
		if tt.raw {
			p = rawRequest(t, g.site, http.MethodGet, tt.target, cookie)
		} else {
			p = alice.get(tt.target)
		}
		if p.status != http.StatusForbidden && p.status != http.StatusBadRequest {
			t.Errorf("GET %s outside the area: %s, want Lockbox's 403 or 400 page", tt.target, p.summary())
		}
	}
	if got := upstream.since(hits); len(got) != 0 {
		t.Fatalf("requests outside the area reached the app: %+v", got)
	}
	wantContains(t, alice.get("/orders").body, "planning")
}
