package appapi_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit/apitest"
)

func eventTypes(es []store.Event) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Type)
	}
	return out
}

func TestAudit(t *testing.T) {
	e := newEnv(t, nil)
	e.create(`{"duration":"1d",` + asAna + `}`)
	e.Clock.Add(time.Hour)
	e.create(`{"duration":"7d",` + asAna + `}`)

	var all apitest.AuditPage
	e.call(http.MethodGet, "/tenants/acme/audit", "", http.StatusOK, &all)
	want := []string{"admins.updated", "grant.created", "grant.replaced", "grant.created"}
	if got := eventTypes(all.Events); !slices.Equal(got, want) || all.NextAfter != 0 {
		t.Fatalf("audit %v next %d", got, all.NextAfter)
	}
	if v, err := store.Verify(ctx(t), e.Store, "acme"); err != nil || !v.OK || v.Head != all.Events[3].Hash {
		t.Fatalf("chain %+v, %v", v, err)
	}

	var page apitest.AuditPage
	e.call(http.MethodGet, "/tenants/acme/audit?limit=2&after=1", "", http.StatusOK, &page)
	if got := eventTypes(page.Events); !slices.Equal(got, want[1:3]) || page.NextAfter != 3 {
		t.Fatalf("page %v next %d", got, page.NextAfter)
	}
	since := url.QueryEscape(e.Clock.Now().Format(time.RFC3339))
	e.call(http.MethodGet, "/tenants/acme/audit?since="+since, "", http.StatusOK, &page)
	if got := eventTypes(page.Events); !slices.Equal(got, want[2:]) {
		t.Fatalf("since: %v", got)
	}
	until := url.QueryEscape(e.Clock.Now().Add(-time.Minute).Format(time.RFC3339))
	e.call(http.MethodGet, "/tenants/acme/audit?until="+until, "", http.StatusOK, &page)
	if got := eventTypes(page.Events); !slices.Equal(got, want[:2]) {
		t.Fatalf("until: %v", got)
	}
	e.call(http.MethodGet, "/tenants/globex/audit", "", http.StatusOK, &page)
	if got := eventTypes(page.Events); !slices.Equal(got, []string{"admins.updated"}) {
		t.Fatalf("globex: %v", got)
	}
}

func TestAuditRecordsExpiryFirst(t *testing.T) {
	e := newEnv(t, nil)
	e.create(`{"duration":"1d",` + asAna + `}`)
	e.Clock.Add(48 * time.Hour)
	var page apitest.AuditPage
	e.call(http.MethodGet, "/tenants/acme/audit", "", http.StatusOK, &page)
	if got := eventTypes(page.Events); got[len(got)-1] != "grant.expired" {
		t.Fatalf("audit %v", got)
	}
}

func TestAuditRefused(t *testing.T) {
	e := newEnv(t, nil)
	for _, q := range []string{"after=-1", "since=today", "until=2030-01-02T03:04:05+01:00", "limit=5000", "cursor=x", "after=1&after=2"} {
		e.callError(http.MethodGet, "/tenants/acme/audit?"+q, "", 400, "invalid_query")
	}
	e.callError(http.MethodGet, "/tenants/ACME/audit", "", 400, "invalid_tenant")
	e.callError(http.MethodPost, "/tenants/acme/audit", "{}", 405, "method_not_allowed")
}
