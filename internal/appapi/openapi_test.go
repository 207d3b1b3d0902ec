package appapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestOpenAPIIsPublic(t *testing.T) {
	e := newEnv(t, nil)
	r := e.send(http.MethodGet, "/openapi.json", "", nil)
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d %v", r.Status, r.Header)
	}
	var doc struct {
		OpenAPI  string `json:"openapi"`
		Servers  []struct{ URL string }
		Security []map[string][]string
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Fatalf("document %s: %v", r.Body[:80], err)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != publicURL+base || len(doc.Security) != 1 || doc.Security[0]["bearerAuth"] == nil {
		t.Fatalf("servers %v, security %v", doc.Servers, doc.Security)
	}
	if r := e.do(http.MethodGet, "/openapi.json", ""); r.Status != http.StatusOK {
		t.Fatalf("with a key: %d", r.Status)
	}
}

func TestUnknownPath(t *testing.T) {
	e := newEnv(t, nil)
	for _, p := range []string{"/", "/tenants", "/tenants/acme", "/requests", "/requests/", "/requests/r1/approve/x", "/tenants/acme/grants/g/x"} {
		e.callError(http.MethodGet, p, "", 404, "not_found")
	}
}

func TestStoreDown(t *testing.T) {
	e := newEnv(t, nil)
	_ = e.Store.Close()
	for _, tt := range []struct{ method, path, body string }{
		{"GET", "/tenants/acme/grants", ""},
		{"POST", "/tenants/acme/grants", `{"duration":"1d",` + asAna + `}`},
		{"GET", "/tenants/acme/sessions", ""},
		{"GET", "/tenants/acme/sessions/s1", ""},
		{"GET", "/tenants/acme/audit", ""},
		{"PUT", "/tenants/acme/admins", `{"admins":[]}`},
		{"POST", "/tenants/acme/admin-links", `{"admin_id":"u_ana"}`},
		{"GET", "/tenants/acme/requests", ""},
		{"GET", "/tenants/acme/requests?state=pending", ""},
		{"GET", "/requests/r_1", ""},
		{"POST", "/requests/r_1/approve", `{` + asAna + `}`},
		{"POST", "/requests/r_1/deny", `{` + asAna + `}`},
	} {
		e.callError(tt.method, tt.path, tt.body, 503, "store_unavailable")
	}
	if n := e.logs.FilterMessage("app api request failed").Len(); n != 12 {
		t.Fatalf("%d failures logged, want 12", n)
	}
	for _, l := range e.logs.All() {
		if strings.Contains(fmt.Sprint(l.ContextMap()), keyOne) {
			t.Fatal("a log line shows the key")
		}
	}
}
