package opsapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit/apitest"
)

func TestLifecycle(t *testing.T) {
	t.Run("bolt", func(t *testing.T) {
		e, _ := newBoltEnv(t)
		lifecycle(t, e)
	})
	t.Run("redis", func(t *testing.T) {
		lifecycle(t, newRedisEnv(t))
	})
}

// lifecycle walks every route through create, list, revoke, expiry and
// the audit trail they leave.
func lifecycle(t *testing.T, e *env) {
	r := e.call(http.MethodGet, "/lockbox/grants", "", http.StatusOK, nil)
	if got := strings.TrimSpace(string(r.Body)); got != `{"grants":[]}` {
		t.Fatalf("no grants yet: %s", got)
	}

	start := e.clock.Now()
	g1 := e.create("acme", `{"scopes":["write"],"duration":"7d","note":"ticket 42","by":"dana"}`)
	if g1.Tenant != "acme" || !slices.Equal(g1.Scopes, []string{"read", "write"}) || g1.CreatedBy.ID != "ops:dana" ||
		g1.Note != "ticket 42" || g1.ExpiresAt == nil || !g1.ExpiresAt.Equal(start.Add(7*24*time.Hour)) {
		t.Fatalf("created %+v", g1)
	}
	e.clock.Add(time.Minute)
	g2 := e.create("acme", `{"standing":true,"by":"ops:lee"}`)
	if g2.CreatedBy.ID != "ops:lee" || !g2.Standing() || !slices.Equal(g2.Scopes, []string{"read"}) {
		t.Fatalf("standing grant %+v", g2)
	}
	g3 := e.create("globex", `{"scopes":["pii"],"duration":"36h","by":"dana"}`)

	var active struct{ Grants []store.Grant }
	e.call(http.MethodGet, "/lockbox/grants", "", http.StatusOK, &active)
	if ids := grantIDs(active.Grants); !slices.Equal(ids, []string{g2.ID, g3.ID}) {
		t.Fatalf("active grants %v, want %v", ids, []string{g2.ID, g3.ID})
	}

	var page apitest.GrantsPage
	r = e.call(http.MethodGet, "/lockbox/tenants/acme/grants", "", http.StatusOK, &page)
	if page.Active == nil || page.Active.ID != g2.ID || !slices.Equal(grantIDs(page.Grants), []string{g2.ID, g1.ID}) ||
		page.Grants[1].EndReason != store.EndReplaced || strings.Contains(string(r.Body), "next_cursor") {
		t.Fatalf("acme grants: %s", r.Body)
	}
	listInPages(t, e, g2.ID, g1.ID)

	var revoked store.Grant
	e.call(http.MethodDelete, "/lockbox/tenants/acme/grants/"+g2.ID, `{"by":"dana","reason":"ticket closed"}`, http.StatusOK, &revoked)
	if revoked.ID != g2.ID || revoked.EndReason != store.EndRevoked || revoked.EndedBy == nil ||
		revoked.EndedBy.ID != "ops:dana" || revoked.EndNote != "ticket closed" || !revoked.EndedAt.Equal(e.clock.Now()) {
		t.Fatalf("revoked %+v", revoked)
	}
	e.callError(http.MethodDelete, "/lockbox/tenants/acme/grants/"+g2.ID, `{"by":"dana"}`, http.StatusConflict, "grant_ended")

	page = apitest.GrantsPage{}
	r = e.call(http.MethodGet, "/lockbox/tenants/acme/grants", "", http.StatusOK, &page)
	if !strings.Contains(string(r.Body), `"active":null`) || page.Grants[0].EndReason != store.EndRevoked {
		t.Fatalf("acme grants after revoke: %s", r.Body)
	}

	// "current" revokes whatever is active; without a body the actor is
	// the anonymous operator.
	e.call(http.MethodDelete, "/lockbox/tenants/globex/grants/current", "", http.StatusOK, &revoked)
	if revoked.ID != g3.ID || revoked.EndedBy == nil || revoked.EndedBy.ID != "ops" {
		t.Fatalf("revoked current %+v", revoked)
	}
	e.callError(http.MethodDelete, "/lockbox/tenants/globex/grants/current", "", http.StatusNotFound, "no_active_grant")
	e.call(http.MethodGet, "/lockbox/grants", "", http.StatusOK, &active)
	if len(active.Grants) != 0 {
		t.Fatalf("active grants after revoking all: %v", grantIDs(active.Grants))
	}

	// A grant past its expiry is listed as expired and audited once.
	e.clock.Add(time.Minute) // history orders grants created in the same instant by id
	g4 := e.create("acme", `{"duration":"1h","by":"dana"}`)
	e.clock.Add(time.Hour)
	page = apitest.GrantsPage{}
	e.call(http.MethodGet, "/lockbox/tenants/acme/grants", "", http.StatusOK, &page)
	if page.Active != nil || page.Grants[0].ID != g4.ID || page.Grants[0].EndReason != store.EndExpired {
		t.Fatalf("acme grants after expiry: %+v", page)
	}

	want := []string{"grant.created", "grant.replaced", "grant.created", "grant.revoked", "grant.created", "grant.expired"}
	if got := e.types("acme"); !slices.Equal(got, want) {
		t.Fatalf("acme audit %v, want %v", got, want)
	}
	if got := e.types("globex"); !slices.Equal(got, []string{"grant.created", "grant.revoked"}) {
		t.Fatalf("globex audit %v", got)
	}
	var v store.Verification
	e.call(http.MethodGet, "/lockbox/tenants/acme/audit/verify", "", http.StatusOK, &v)
	head, err := e.store.AuditHead(ctx(t), "acme")
	if err != nil || !v.OK || v.Tenant != "acme" || v.Events != 6 || v.Head != head.Hash || v.BrokenAt != 0 {
		t.Fatalf("verify %+v (head %+v, %v)", v, head, err)
	}
	if n := e.logs.Len(); n != 0 {
		t.Fatalf("logged %d lines for a run without server faults: %v", n, e.logs.All())
	}
}

// listInPages walks the acme history one grant per page.
func listInPages(t *testing.T, e *env, want ...string) {
	t.Helper()
	var got []string
	path := "/lockbox/tenants/acme/grants?limit=1"
	for range len(want) + 1 {
		var page apitest.GrantsPage
		e.call(http.MethodGet, path, "", http.StatusOK, &page)
		got = append(got, grantIDs(page.Grants)...)
		if page.NextCursor == "" {
			break
		}
		path = "/lockbox/tenants/acme/grants?limit=1&cursor=" + page.NextCursor
	}
	if !slices.Equal(got, want) {
		t.Fatalf("paged history %v, want %v", got, want)
	}
}

func TestHeadAnswersLikeGet(t *testing.T) {
	e, _ := newBoltEnv(t)
	r := e.do(http.MethodHead, "/lockbox/grants", "")
	if r.Status != http.StatusOK || len(r.Body) != 0 || r.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("HEAD: %d %v %q", r.Status, r.Header, r.Body)
	}
}

func grantIDs(gs []store.Grant) []string {
	var ids []string
	for _, g := range gs {
		ids = append(ids, g.ID)
	}
	return ids
}
