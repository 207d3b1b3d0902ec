package cli

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

const (
	pendingRequest  = `{"id":"r_NEW","tenant":"acme","agent":{"sub":"u1","iss":"https://idp.test","email":"bob@support.test"},"reason":"customer cannot export invoices","scopes":["read","write"],"duration":"7d","areas":["billing","planning"],"approvals_needed":2,"approvals":[{"by":{"id":"a1"},"at":"2026-01-02T15:00:00Z","scopes":["read"],"duration":"7d"}],"created_at":"2026-01-02T14:04:05Z","expires_at":"2026-01-05T14:04:05Z","state":"pending"}`
	extendRequest   = `{"id":"r_EXT","tenant":"acme","agent":{"sub":"u2","iss":"https://idp.test"},"reason":"still on it","scopes":["read"],"duration":"1d","extension":true,"grant":"g_ONE","approvals_needed":1,"approvals":[{"by":{"id":"a1"},"at":"2026-01-02T14:59:05Z","scopes":["read"],"duration":"1d"}],"created_at":"2026-01-02T13:00:00Z","expires_at":"2026-01-05T13:00:00Z","state":"approved","decided_at":"2026-01-02T14:59:05Z","decided_by":{"id":"a1","email":"ana@acme.example"},"granted_grant":"g_ONE"}`
	deniedRequest   = `{"id":"r_NO","tenant":"acme","agent":{"sub":"u3","iss":"https://idp.test"},"reason":"a reason far too long to show in one table cell without clipping it","scopes":["read"],"duration":"1d","approvals_needed":2,"approvals":[],"created_at":"2026-01-01T09:00:00Z","expires_at":"2026-01-04T09:00:00Z","state":"denied","decided_at":"2026-01-01T10:00:00Z","decided_by":{"id":"a2"},"message":"not now"}`
	expiredRequest  = `{"id":"r_OLD","tenant":"acme","agent":{"sub":"u4","iss":"https://idp.test"},"reason":"old","scopes":["read"],"duration":"28d","approvals_needed":1,"approvals":[],"created_at":"2025-12-28T15:04:05Z","expires_at":"2025-12-31T15:04:05Z","state":"expired","decided_at":"2025-12-31T15:04:05Z"}`
	requestsAll     = `{"requests":[` + pendingRequest + `,` + extendRequest + `,` + deniedRequest + `,` + expiredRequest + `]}`
	requestsListURI = "/lockbox/tenants/acme/requests?limit=100"
)

func TestRequestsTable(t *testing.T) {
	c, f, out := newFake(map[string]answer{"GET " + requestsListURI: {200, requestsAll}})
	if err := c.Requests(RequestsOptions{Tenant: "acme", Limit: DefaultRequestLimit}); err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "GET", requestsListURI, "")
	wantLines(t, out.String(),
		"ID     STATE     AGENT             ASKED                                    APPROVALS  REASON                                    CREATED               EXPIRES/DECIDED",
		"r_NEW  pending   bob@support.test  read,write for 7d only billing,planning  1/2        customer cannot export invoices           2026-01-02 14:04 UTC  in 2d 23h",
		"r_EXT  approved  u2                read for 1d (extension)                  1/1        still on it                               2026-01-02 13:00 UTC  5m ago by a1 <ana@acme.example>",
		"r_NO   denied    u3                read for 1d                              0/2        a reason far too long to show in one ta…  2026-01-01 09:00 UTC  1d 5h ago by a2",
		"r_OLD  expired   u4                read for 28d                             0/1        old                                       2025-12-28 15:04 UTC  2d ago",
	)
}

func TestRequestsByState(t *testing.T) {
	uri := "/lockbox/tenants/acme/requests?limit=5&state=pending"
	c, f, out := newFake(map[string]answer{"GET " + uri: {200, `{"requests":[` + pendingRequest + `]}`}})
	if err := c.Requests(RequestsOptions{Tenant: "acme", State: "pending", Limit: 5}); err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "GET", uri, "")
	if n := strings.Count(out.String(), "\n"); n != 2 || !strings.Contains(out.String(), "r_NEW") {
		t.Fatalf("output:\n%s", out)
	}
}

func TestRequestsNone(t *testing.T) {
	tests := []struct {
		state, uri, want string
	}{
		{"", requestsListURI, "Tenant acme has no access requests.\n"},
		{"denied", requestsListURI + "&state=denied", "Tenant acme has no denied access requests.\n"},
	}
	for _, tt := range tests {
		c, _, out := newFake(map[string]answer{"GET " + tt.uri: {200, `{"requests":[]}`}})
		if err := c.Requests(RequestsOptions{Tenant: "acme", State: tt.state, Limit: DefaultRequestLimit}); err != nil {
			t.Fatal(err)
		}
		if out.String() != tt.want {
			t.Fatalf("output %q, want %q", out, tt.want)
		}
	}
}

func TestRequestsFullPage(t *testing.T) {
	c, _, out := newFake(map[string]answer{
		"GET /lockbox/tenants/acme/requests?limit=1": {200, `{"requests":[` + pendingRequest + `]}`},
	})
	if err := c.Requests(RequestsOptions{Tenant: "acme", Limit: 1}); err != nil {
		t.Fatal(err)
	}
	wantLines(t, out.String(), "(only the 1 newest requests are shown; raise --limit for more)")
}

func TestRequestsJSON(t *testing.T) {
	c, _, out := newFake(map[string]answer{"GET " + requestsListURI: {200, requestsAll}})
	if err := c.Requests(RequestsOptions{Tenant: "acme", Limit: DefaultRequestLimit, JSON: true}); err != nil {
		t.Fatal(err)
	}
	var got requestList
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || len(got.Requests) != 4 ||
		got.Requests[2].Message != "not now" || !got.Requests[1].Extension {
		t.Fatalf("JSON output %q: %v", out, err)
	}
}

func TestRequestsUsageErrorsSendNothing(t *testing.T) {
	tests := []struct {
		name string
		o    RequestsOptions
		msg  string
	}{
		{"no tenant", RequestsOptions{Limit: 10}, "--tenant is required"},
		{"bad tenant", RequestsOptions{Tenant: "Acme!", Limit: 10}, `invalid tenant id "Acme!"`},
		{"tenant with slash", RequestsOptions{Tenant: "acme/../globex", Limit: 10}, "invalid tenant id"},
		{"unknown state", RequestsOptions{Tenant: "acme", State: "open", Limit: 10}, `invalid --state "open": use pending, approved, denied, expired`},
		{"state in capitals", RequestsOptions{Tenant: "acme", State: "PENDING", Limit: 10}, "invalid --state"},
		{"state with a query", RequestsOptions{Tenant: "acme", State: "pending&limit=1000", Limit: 10}, "invalid --state"},
		{"limit zero", RequestsOptions{Tenant: "acme"}, "--limit must be from 1 to 1000"},
		{"limit too big", RequestsOptions{Tenant: "acme", Limit: 1001}, "--limit must be from 1 to 1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f, _ := newFake(nil)
			err := c.Requests(tt.o)
			if !IsUsage(err) || !strings.Contains(err.Error(), tt.msg) || len(f.sent) != 0 {
				t.Fatalf("err = %v, sent %d; want a usage error containing %q", err, len(f.sent), tt.msg)
			}
		})
	}
}

func TestRequestsRefusedByAPI(t *testing.T) {
	tests := []struct {
		status int
		body   string
		line   string
	}{
		{503, `{"error":{"code":"requests_unavailable","message":"access requests are not available here"}}`, "lockbox: access requests are not available here"},
		{400, `{"error":{"code":"invalid_query","message":"state must be one of pending, approved, denied, expired"}}`, "lockbox: state must be one of pending, approved, denied, expired"},
	}
	for _, tt := range tests {
		c, _, out := newFake(map[string]answer{"GET " + requestsListURI: {tt.status, tt.body}})
		err := c.Requests(RequestsOptions{Tenant: "acme", Limit: DefaultRequestLimit})
		var e *APIError
		if !errors.As(err, &e) || e.Status != tt.status || Line(err) != tt.line || out.Len() != 0 {
			t.Fatalf("err = %v (line %q), stdout %q", err, Line(err), out)
		}
	}
}

func TestRequestsCellsAreOneLine(t *testing.T) {
	evil := strings.Replace(pendingRequest, `"customer cannot export invoices"`, `"line one\n\u001b[31mline two\tand a tab"`, 1)
	evil = strings.Replace(evil, `"bob@support.test"`, `"bob\r\n@x"`, 1)
	c, _, out := newFake(map[string]answer{"GET " + requestsListURI: {200, `{"requests":[` + evil + `]}`}})
	if err := c.Requests(RequestsOptions{Tenant: "acme", Limit: DefaultRequestLimit}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "\n"); n != 2 || strings.ContainsAny(out.String(), "\x1b\r\t") {
		t.Fatalf("a value broke the table:\n%q", out)
	}
}
