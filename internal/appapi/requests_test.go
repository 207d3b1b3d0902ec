package appapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// TestListRequests: newest first, filtered by state before the limit
// cuts, and only the tenant's own.
func TestListRequests(t *testing.T) {
	onBoth(t, func(t *testing.T, st store.Store) {
		e := newEnvOn(t, st, nil)
		waiting := e.ask("acme", bob, nil)
		e.Clock.Add(time.Minute)
		approved := e.ask("acme", carl, nil)
		e.Clock.Add(time.Minute)
		denied := e.ask("acme", dan, nil)
		other := e.ask("globex", bob, nil)
		e.decide(approved.ID, "approve", `{`+asAna+`}`)
		e.decide(denied.ID, "deny", `{"message":"not this week",`+asAna+`}`)

		all := e.listRequests("acme", "")
		if got := ids(all); !slices.Equal(got, []string{denied.ID, approved.ID, waiting.ID}) {
			t.Fatalf("listing %v, want newest first", got)
		}
		if all[0].State != request.Denied || all[1].State != request.Approved || all[2].State != request.Pending {
			t.Fatalf("states %s %s %s", all[0].State, all[1].State, all[2].State)
		}
		tests := []struct {
			query string
			want  []string
		}{
			{"?state=pending", []string{waiting.ID}},
			{"?state=approved", []string{approved.ID}},
			{"?state=denied", []string{denied.ID}},
			{"?state=expired", []string{}},
			{"?limit=1", []string{denied.ID}},
			{"?limit=1&state=pending", []string{waiting.ID}},
			{"?state=pending&limit=1000", []string{waiting.ID}},
		}
		for _, tt := range tests {
			if got := ids(e.listRequests("acme", tt.query)); !slices.Equal(got, tt.want) {
				t.Errorf("%s: %v, want %v", tt.query, got, tt.want)
			}
		}
		if got := ids(e.listRequests("globex", "")); !slices.Equal(got, []string{other.ID}) {
			t.Fatalf("globex lists %v", got)
		}
		r := e.call(http.MethodGet, "/tenants/initech/requests", "", http.StatusOK, nil)
		if got := strings.TrimSpace(string(r.Body)); got != `{"requests":[]}` {
			t.Fatalf("a tenant without requests: %s", got)
		}
	})
}

func TestListRequestsRefused(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name, path, code string
	}{
		{"unknown state", "/tenants/acme/requests?state=open", "invalid_query"},
		{"empty state", "/tenants/acme/requests?state=", "invalid_query"},
		{"state in capitals", "/tenants/acme/requests?state=PENDING", "invalid_query"},
		{"two states", "/tenants/acme/requests?state=pending&state=denied", "invalid_query"},
		{"zero limit", "/tenants/acme/requests?limit=0", "invalid_query"},
		{"limit too big", "/tenants/acme/requests?limit=1001", "invalid_query"},
		{"limit not a number", "/tenants/acme/requests?limit=ten", "invalid_query"},
		{"cursor", "/tenants/acme/requests?cursor=x", "invalid_query"},
		{"bad tenant", "/tenants/Acme/requests", "invalid_tenant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.callError(http.MethodGet, tt.path, "", 400, tt.code)
		})
	}
	_, r := e.callError(http.MethodPost, "/tenants/acme/requests", "{}", 405, "method_not_allowed")
	if r.Header.Get("Allow") != "GET, HEAD" {
		t.Fatalf("Allow = %q", r.Header.Get("Allow"))
	}
}

// TestGetRequest: any request by id with the key alone, no admin named.
func TestGetRequest(t *testing.T) {
	e := newEnv(t, nil)
	asked := e.ask("globex", bob, func(a *request.Ask) { a.Scopes = []string{"pii"} })
	var got request.Request
	e.call(http.MethodGet, "/requests/"+asked.ID, "", http.StatusOK, &got)
	if got.ID != asked.ID || got.Tenant != "globex" || got.State != request.Pending || got.Agent != bob ||
		!slices.Equal(got.Scopes, []string{"read", "pii"}) || got.Approvals == nil || got.Reason != asked.Reason {
		t.Fatalf("got %+v", got)
	}
	checkError(t, e.send(http.MethodGet, "/requests/"+asked.ID, "", nil), 401, "unauthorized")
	e.callError(http.MethodGet, "/requests/"+asked.ID+"?verbose=1", "", 400, "invalid_query")
	e.callError(http.MethodDelete, "/requests/"+asked.ID, "", 405, "method_not_allowed")
	e.callError(http.MethodGet, "/requests/"+asked.ID+"/approve", "", 405, "method_not_allowed")
}

// TestHostileRequestIDs: ids that are not request ids, however odd, are
// answered with a clean JSON 404 on every request route, and nothing is
// written.
func TestHostileRequestIDs(t *testing.T) {
	e := newEnv(t, nil)
	real := e.ask("acme", bob, nil)
	before := e.Head("acme")
	tests := []struct {
		name string
		id   string // as it goes into the path
		code string
	}{
		{"absent", "r_AAAAAAAAAAAAAAAAAAAAAAAAAA", "request_not_found"},
		{"very long", strings.Repeat("r", 5000), "request_not_found"},
		{"just over the limit", strings.Repeat("r", 65), "request_not_found"},
		{"real id with a suffix", real.ID + "x", "request_not_found"},
		{"real id in lower case", strings.ToLower(real.ID), "request_not_found"},
		{"encoded slash", "r_1%2F..%2F" + real.ID, "request_not_found"},
		{"encoded dots", "%2E%2E", "request_not_found"},
		{"encoded percent", "r_%2541", "request_not_found"},
		{"NUL", "r_%00", "request_not_found"},
		{"newline", "r_1%0D%0AX-Injected:%201", "request_not_found"},
		{"unicode", "r_%C3%A9t%C3%A9", "request_not_found"},
		{"right-to-left override", "r_%E2%80%AEevil", "request_not_found"},
		{"invalid UTF-8", "r_%FF%FE", "request_not_found"},
		{"quote and markup", "%22%3Cscript%3E", "request_not_found"},
		{"space", "r_%201", "request_not_found"},
		{"literal slash", "r_1/x", "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range []struct{ method, suffix, body string }{
				{http.MethodGet, "", ""},
				{http.MethodPost, "/approve", `{` + asAna + `}`},
				{http.MethodPost, "/deny", `{` + asAna + `}`},
			} {
				msg, r := e.callError(c.method, "/requests/"+tt.id+c.suffix, c.body, 404, tt.code)
				if len(msg) > 300 || strings.IndexFunc(msg, unicode.IsControl) >= 0 || r.Header.Get("X-Injected") != "" {
					t.Fatalf("%s %s: message %q", c.method, c.suffix, msg)
				}
			}
		})
	}
	if e.Head("acme") != before {
		t.Fatal("a hostile id wrote to the audit trail")
	}
	if got, err := e.requests.Get(ctx(t), real.ID); err != nil || got.State != request.Pending {
		t.Fatalf("the real request is %+v, %v", got, err)
	}
}
