package opsapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit/apitest"
)

// putSessions stores n sessions of tenant a minute apart, the last one
// ended, and returns their ids oldest first.
func putSessions(t *testing.T, e *env, tenant string, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		start := e.clock.Now().Add(time.Duration(i) * time.Minute)
		s := apitest.Session(tenant, fmt.Sprintf("s_%s_%d", tenant, i), start)
		if err := e.store.PutSession(ctx(t), s); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID)
	}
	last := ids[n-1]
	if _, err := e.store.EndSession(ctx(t), tenant, last, e.clock.Now().Add(time.Hour), store.SessionExit); err != nil {
		t.Fatal(err)
	}
	return ids
}

func sessionIDs(ss []store.Session) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.ID)
	}
	return out
}

func TestSessionsNewestFirstInPages(t *testing.T) {
	e, _ := newBoltEnv(t)
	ids := putSessions(t, e, "acme", 3)
	putSessions(t, e, "globex", 1)

	var first apitest.SessionsPage
	e.call(http.MethodGet, "/lockbox/tenants/acme/sessions?limit=2", "", http.StatusOK, &first)
	if got := sessionIDs(first.Sessions); !slices.Equal(got, []string{ids[2], ids[1]}) || first.NextCursor == "" {
		t.Fatalf("first page %v, cursor %q", got, first.NextCursor)
	}
	if s := first.Sessions[0]; !s.Ended() || s.EndReason != store.SessionExit || s.Agent.Email != "bob@support.test" {
		t.Fatalf("newest session = %+v", s)
	}

	var second apitest.SessionsPage
	r := e.call(http.MethodGet, "/lockbox/tenants/acme/sessions?limit=2&cursor="+first.NextCursor, "", http.StatusOK, &second)
	if got := sessionIDs(second.Sessions); !slices.Equal(got, []string{ids[0]}) || second.NextCursor != "" {
		t.Fatalf("second page %v, cursor %q", got, second.NextCursor)
	}
	if strings.Contains(string(r.Body), "next_cursor") {
		t.Fatalf("next_cursor on the last page: %s", r.Body)
	}
}

func TestSessionsOfTenantWithoutAny(t *testing.T) {
	e, _ := newBoltEnv(t)
	r := e.call(http.MethodGet, "/lockbox/tenants/initech/sessions", "", http.StatusOK, nil)
	if got := strings.TrimSpace(string(r.Body)); got != `{"sessions":[]}` {
		t.Fatalf("body %s, want an empty list", got)
	}
}

func TestSessionsRefused(t *testing.T) {
	e, _ := newBoltEnv(t)
	putSessions(t, e, "acme", 1)
	tests := []badRequest{
		{name: "bad tenant", method: "GET", path: "/lockbox/tenants/ACME/sessions", status: 400, code: "invalid_tenant"},
		{name: "cursor from nowhere", method: "GET", path: "/lockbox/tenants/acme/sessions?cursor=bogus", status: 400, code: "invalid_cursor"},
		{name: "limit zero", method: "GET", path: "/lockbox/tenants/acme/sessions?limit=0", status: 400, code: "invalid_query"},
		{name: "unknown parameter", method: "GET", path: "/lockbox/tenants/acme/sessions?since=1h", status: 400, code: "invalid_query"},
		{name: "post", method: "POST", path: "/lockbox/tenants/acme/sessions", status: 405, code: "method_not_allowed", allow: "GET, HEAD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, r := e.callError(tt.method, tt.path, tt.body, tt.status, tt.code)
			if got := r.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
		})
	}
}
