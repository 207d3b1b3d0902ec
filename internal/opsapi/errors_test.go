package opsapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"go.uber.org/zap/zapcore"
)

// badRequest is one refused request.
type badRequest struct {
	name   string
	method string
	path   string
	body   string
	status int
	code   string
	allow  string // the Allow header a 405 must carry
}

func TestBadRequestsWriteNothing(t *testing.T) {
	e, _ := newBoltEnv(t)
	old := e.create("acme", `{"duration":"7d","by":"dana"}`)
	e.call(http.MethodDelete, "/lockbox/tenants/acme/grants/"+old.ID, `{"by":"dana"}`, http.StatusOK, nil)
	cur := e.create("acme", `{"duration":"7d","by":"dana"}`)

	rows := slices.Concat(tenantRows(), createRows(), revokeRows(old.ID, cur.ID), queryRows(), routingRows(cur.ID))
	for _, tt := range rows {
		t.Run(tt.name, func(t *testing.T) {
			before := e.snapshot("acme", "globex")
			_, r := e.callError(tt.method, tt.path, tt.body, tt.status, tt.code)
			if got := r.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
			if after := e.snapshot("acme", "globex"); !before.equal(after) {
				t.Errorf("refused request wrote to the store:\nbefore %+v\nafter  %+v", before, after)
			}
		})
	}
	if n := e.logs.Len(); n != 0 {
		t.Fatalf("client errors were logged: %v", e.logs.All())
	}
}

func tenantRows() []badRequest {
	create := `{"duration":"7d","by":"dana"}`
	long := strings.Repeat("a", 64)
	return []badRequest{
		{name: "uppercase tenant", method: "GET", path: "/lockbox/tenants/ACME/grants", status: 400, code: "invalid_tenant"},
		{name: "escaped slash in tenant", method: "GET", path: "/lockbox/tenants/a%2Fb/grants", status: 400, code: "invalid_tenant"},
		{name: "64 character tenant", method: "GET", path: "/lockbox/tenants/" + long + "/audit", status: 400, code: "invalid_tenant"},
		{name: "dot dot tenant", method: "GET", path: "/lockbox/tenants/%2E%2E/audit/verify", status: 400, code: "invalid_tenant"},
		{name: "space in tenant", method: "GET", path: "/lockbox/tenants/ac%20me/audit/verify", status: 400, code: "invalid_tenant"},
		{name: "create for bad tenant", method: "POST", path: "/lockbox/tenants/ACME/grants", body: create, status: 400, code: "invalid_tenant"},
		{name: "create for 64 characters", method: "POST", path: "/lockbox/tenants/" + long + "/grants", body: create, status: 400, code: "invalid_tenant"},
		{name: "revoke for bad tenant", method: "DELETE", path: "/lockbox/tenants/a%2Fb/grants/current", status: 400, code: "invalid_tenant"},
	}
}

func createRows() []badRequest {
	row := func(name, body string, status int, code string) badRequest {
		return badRequest{name: name, method: "POST", path: "/lockbox/tenants/acme/grants", body: body, status: status, code: code}
	}
	return []badRequest{
		row("unknown scope", `{"scopes":["root"],"duration":"7d","by":"dana"}`, 400, "invalid_scope"),
		row("duration 0", `{"duration":"0","by":"dana"}`, 400, "invalid_duration"),
		row("duration -1d", `{"duration":"-1d","by":"dana"}`, 400, "invalid_duration"),
		row("duration 401d", `{"duration":"401d","by":"dana"}`, 400, "invalid_duration"),
		row("duration abc", `{"duration":"abc","by":"dana"}`, 400, "invalid_duration"),
		row("duration 30s", `{"duration":"30s","by":"dana"}`, 400, "invalid_duration"),
		row("no duration", `{"by":"dana"}`, 400, "invalid_duration"),
		row("standing with duration", `{"standing":true,"duration":"7d","by":"dana"}`, 400, "invalid_duration"),
		row("malformed JSON", `{"duration":"7d","by":`, 400, "invalid_json"),
		row("unquoted key", `{duration:"7d"}`, 400, "invalid_json"),
		row("empty body", ``, 400, "invalid_json"),
		row("array body", `[{"duration":"7d","by":"dana"}]`, 400, "invalid_json"),
		row("unknown field", `{"duration":"7d","by":"dana","scope":["write"]}`, 400, "invalid_json"),
		row("wrong type", `{"duration":7,"by":"dana"}`, 400, "invalid_json"),
		row("trailing data", `{"duration":"7d","by":"dana"} {}`, 400, "invalid_json"),
		row("body over the cap", `{"duration":"7d","by":"dana","note":"`+strings.Repeat("n", 70<<10)+`"}`, 413, "body_too_large"),
		row("missing by", `{"duration":"7d"}`, 400, "invalid_actor"),
		row("blank by", `{"duration":"7d","by":"  "}`, 400, "invalid_actor"),
		row("bare ops prefix", `{"duration":"7d","by":"ops:"}`, 400, "invalid_actor"),
		row("by with escape", `{"duration":"7d","by":"dana\u001b[31m"}`, 400, "invalid_actor_id"),
		row("note with bell", `{"duration":"7d","by":"dana","note":"a\u0007b"}`, 400, "invalid_note"),
		row("note with newline", `{"duration":"7d","by":"dana","note":"a\nforged line"}`, 400, "invalid_note"),
		row("note too long", `{"duration":"7d","by":"dana","note":"`+strings.Repeat("n", 501)+`"}`, 400, "invalid_note"),
	}
}

func revokeRows(ended, active string) []badRequest {
	row := func(name, path, body string, status int, code string) badRequest {
		return badRequest{name: name, method: "DELETE", path: path, body: body, status: status, code: code}
	}
	acme := "/lockbox/tenants/acme/grants/"
	return []badRequest{
		row("revoke missing grant", acme+"g_missing", `{"by":"dana"}`, 404, "grant_not_found"),
		row("revoke ended grant", acme+ended, `{"by":"dana"}`, 409, "grant_ended"),
		row("revoke current with none", "/lockbox/tenants/globex/grants/current", ``, 404, "no_active_grant"),
		row("revoke reason with control", acme+active, `{"by":"dana","reason":"a\rb"}`, 400, "invalid_reason"),
		row("revoke unknown field", acme+active, `{"by":"dana","note":"x"}`, 400, "invalid_json"),
		row("revoke trailing data", acme+active, `{"by":"dana"}x`, 400, "invalid_json"),
		row("revoke body over the cap", acme+active, `{"reason":"`+strings.Repeat("r", 70<<10)+`"}`, 413, "body_too_large"),
	}
}

func queryRows() []badRequest {
	row := func(name, path string) badRequest {
		return badRequest{name: name, method: "GET", path: path, status: 400, code: "invalid_query"}
	}
	audit := "/lockbox/tenants/acme/audit?"
	return []badRequest{
		row("after not a number", audit+"after=abc"),
		row("after negative", audit+"after=-1"),
		row("after fraction", audit+"after=1.5"),
		row("since not a time", audit+"since=yesterday"),
		row("since date only", audit+"since=2030-01-02"),
		row("until bad month", audit+"until=2030-13-01T00:00:00Z"),
		row("since unescaped plus", audit+"since=2030-01-02T00:00:00+02:00"),
		row("until before since", audit+"since=2030-01-02T00:00:00Z&until=2030-01-01T00:00:00Z"),
		row("limit zero", audit+"limit=0"),
		row("limit over the maximum", audit+"limit=1001"),
		row("limit not a number", audit+"limit=ten"),
		row("audit unknown parameter", audit+"seq=1"),
		row("audit repeated parameter", audit+"limit=1&limit=2"),
		row("malformed query", audit+"limit=%zz"),
		row("verify takes no query", "/lockbox/tenants/acme/audit/verify?full=1"),
		row("grants limit zero", "/lockbox/tenants/acme/grants?limit=0"),
		row("grants unknown parameter", "/lockbox/tenants/acme/grants?page=2"),
		row("grants cursor too long", "/lockbox/tenants/acme/grants?cursor="+strings.Repeat("c", 513)),
		row("active takes no query", "/lockbox/grants?tenant=acme"),
	}
}

func routingRows(active string) []badRequest {
	return []badRequest{
		{name: "PUT active list", method: "PUT", path: "/lockbox/grants", status: 405, code: "method_not_allowed", allow: "GET, HEAD"},
		{name: "PATCH tenant grants", method: "PATCH", path: "/lockbox/tenants/acme/grants", body: `{}`, status: 405, code: "method_not_allowed", allow: "GET, HEAD, POST"},
		{name: "GET one grant", method: "GET", path: "/lockbox/tenants/acme/grants/" + active, status: 405, code: "method_not_allowed", allow: "DELETE"},
		{name: "POST audit", method: "POST", path: "/lockbox/tenants/acme/audit", body: `{}`, status: 405, code: "method_not_allowed", allow: "GET, HEAD"},
		{name: "DELETE verify", method: "DELETE", path: "/lockbox/tenants/acme/audit/verify", status: 405, code: "method_not_allowed", allow: "GET, HEAD"},
		{name: "root of the API", method: "GET", path: "/lockbox/", status: 404, code: "not_found"},
		{name: "unknown path", method: "GET", path: "/lockbox/nope", status: 404, code: "not_found"},
		{name: "tenant without resource", method: "GET", path: "/lockbox/tenants/acme", status: 404, code: "not_found"},
		{name: "trailing slash", method: "GET", path: "/lockbox/grants/", status: 404, code: "not_found"},
		{name: "too deep", method: "DELETE", path: "/lockbox/tenants/acme/grants/" + active + "/x", status: 404, code: "not_found"},
		{name: "outside the API", method: "POST", path: "/elsewhere", body: `{}`, status: 404, code: "not_found"},
	}
}

func TestClosedStoreIsUnavailable(t *testing.T) {
	e, path := newBoltEnv(t)
	cur := e.create("acme", `{"duration":"7d","by":"dana"}`)
	if err := e.store.Close(); err != nil {
		t.Fatal(err)
	}
	requests := []struct{ method, path, body string }{
		{"GET", "/lockbox/grants", ""},
		{"GET", "/lockbox/tenants/acme/grants", ""},
		{"POST", "/lockbox/tenants/acme/grants", `{"duration":"7d","by":"dana"}`},
		{"DELETE", "/lockbox/tenants/acme/grants/" + cur.ID, `{"by":"dana"}`},
		{"DELETE", "/lockbox/tenants/acme/grants/current", ""},
		{"GET", "/lockbox/tenants/acme/audit", ""},
		{"GET", "/lockbox/tenants/acme/audit/verify", ""},
	}
	for i, rq := range requests {
		msg, _ := e.callError(rq.method, rq.path, rq.body, http.StatusServiceUnavailable, "store_unavailable")
		if msg != "the Lockbox store cannot be reached; try again shortly" || strings.Contains(msg, path) {
			t.Errorf("%s %s: message %q", rq.method, rq.path, msg)
		}
		logs := e.logs.TakeAll()
		if len(logs) != 1 || logs[0].Level != zapcore.ErrorLevel {
			t.Fatalf("%s %s: want the cause logged once, got %v", rq.method, rq.path, logs)
		}
		fields := logs[0].ContextMap()
		if cause, _ := fields["cause"].(string); !strings.Contains(cause, "closed") || fields["status"] != int64(503) {
			t.Errorf("request %d: log fields %v", i, fields)
		}
	}
}
