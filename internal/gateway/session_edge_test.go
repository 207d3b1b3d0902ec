package gateway_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/gateway"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// TestLastSecondOfAGrant: tokens carry whole seconds, so in the fraction
// of a second before a grant's expiry no token can be minted. The agent
// must get the "Access expired" page then, not an error page.
func TestLastSecondOfAGrant(t *testing.T) {
	e := newEnv(t, options{idleTimeout: 3 * time.Hour})
	e.clock.Add(600 * time.Millisecond) // the grant will end at .6 of a second
	e.grant("acme", time.Hour, "read")
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	b.enter("acme")
	if ids := lockboxHeaders(b.get("/").echo(t).Header); ids["x-lockbox-tenant"] != "acme" {
		t.Fatalf("not in acme: %v", ids)
	}
	e.clock.Add(time.Hour - 300*time.Millisecond) // .3 s before the end
	p := b.get("/")
	if p.status != http.StatusForbidden || !strings.Contains(p.body, "Access expired") {
		t.Fatalf("request in the grant's last second: %d %.400s", p.status, p.body)
	}
	ended := e.waitEvents("acme", gateway.EventSessionEnded, 1)
	if r := eventData(t, ended[0])["reason"]; r != store.SessionExpired {
		t.Fatalf("session.ended reason %v", r)
	}
}
