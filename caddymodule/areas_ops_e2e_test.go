package caddymodule_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// TestOpsGrantWithUnknownAreaChangesNothing: through a real lockbox
// process, `lockbox grant create --areas billing` (an area no site
// defines) fails with one clear line, and the tenant's active grant and
// the agent's live session go on as before.
func TestOpsGrantWithUnknownAreaChangesNothing(t *testing.T) {
	t.Parallel()
	s := startAccessSite(t)
	g := s.g
	active := g.grant("acme", "--for", "7d", "--scopes", "read")
	alice := newAgentBrowser(t, g.site)
	alice.loginConsole("alice")
	alice.enter("acme")
	if got := alice.get("/orders").echo(t); got.Header.Get("X-Lockbox-Grant") != active.ID {
		t.Fatalf("before: the app saw grant %q, want %s", got.Header.Get("X-Lockbox-Grant"), active.ID)
	}
	// The request's outcome is appended after its response: count once
	// it is in.
	var before int
	testkit.EventuallyWithin(t, 5*time.Second, func() bool {
		evs := g.audit("acme")
		before = len(evs)
		return before > 0 && evs[before-1].Type == "http.request"
	}, "the request's http.request event in the audit")

	for _, areas := range []string{"billing", "planning,billing"} {
		r := g.lockbox("grant", "create", "--tenant", "acme", "--for", "7d", "--areas", areas, "--by", e2eOperator)
		wantOneLineError(t, r, `"billing" is not an area of this site; known areas: planning`)
	}

	var list struct {
		Active *grantJSON `json:"active"`
	}
	g.okJSON(&list, "grant", "list", "--tenant", "acme", "--json")
	if list.Active == nil || list.Active.ID != active.ID || list.Active.EndReason != "" {
		t.Fatalf("after the refused creates the active grant is %+v, want %s unchanged", list.Active, active.ID)
	}
	if got := g.audit("acme"); len(got) != before {
		t.Fatalf("the refused creates wrote %d audit events: %+v", len(got)-before, got[before:])
	}
	p := alice.get("/orders")
	if p.status != http.StatusOK || p.echo(t).Header.Get("X-Lockbox-Grant") != active.ID {
		t.Fatalf("after the refused creates the agent got %s, want the app with grant %s", p.summary(), active.ID)
	}
}
