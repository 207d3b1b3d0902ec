package appapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/appapi"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit/apitest"
)

func TestCreateListRevoke(t *testing.T) {
	e := newEnv(t, nil)
	g1 := e.create(`{"scopes":["write"],"duration":"7d","note":"ticket 42",` + asAna + `}`)
	if !slices.Equal(g1.Scopes, []string{"read", "write"}) || !g1.ExpiresAt.Equal(e.Clock.Now().Add(7*24*time.Hour)) {
		t.Fatalf("created %+v", g1)
	}
	if g1.CreatedBy != (store.Actor{ID: "u_ana", Email: "ana@acme.test", Role: "owner"}) {
		t.Fatalf("created_by %+v", g1.CreatedBy)
	}
	e.Clock.Add(time.Minute)
	g2 := e.create(`{"standing":true,"admin":{"id":"u_ana"}}`)
	if !g2.Standing() || g2.CreatedBy.Email != "ana@acme.test" {
		t.Fatalf("standing grant %+v", g2)
	}

	var page apitest.GrantsPage
	e.call(http.MethodGet, "/tenants/acme/grants", "", http.StatusOK, &page)
	if page.Active == nil || page.Active.ID != g2.ID || len(page.Grants) != 2 || page.Grants[1].EndReason != store.EndReplaced {
		t.Fatalf("listing %+v", page)
	}

	var revoked store.Grant
	e.call(http.MethodDelete, "/tenants/acme/grants/"+g2.ID, `{"reason":"done",`+asAna+`}`, http.StatusOK, &revoked)
	if revoked.EndReason != store.EndRevoked || revoked.EndedBy.ID != "u_ana" || revoked.EndNote != "done" {
		t.Fatalf("revoked %+v", revoked)
	}
	e.call(http.MethodGet, "/tenants/acme/grants?limit=1", "", http.StatusOK, &page)
	if page.Active != nil || len(page.Grants) != 1 || page.NextCursor == "" {
		t.Fatalf("after revoking: %+v", page)
	}
	want := []string{"admins.updated", "grant.created", "grant.replaced", "grant.created", "grant.revoked"}
	if got := e.EventTypes("acme"); !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	notes := e.Notes()
	if len(notes) != 3 || notes[0].Event != "grant.created" || notes[2].Event != "grant.revoked" || notes[2].Tenant != "acme" {
		t.Fatalf("notifications %+v", notes)
	}
	if g, ok := notes[2].Payload.(store.Grant); !ok || g.ID != g2.ID || !g.Ended() {
		t.Fatalf("revocation payload %#v", notes[2].Payload)
	}
}

func TestRevokeCurrent(t *testing.T) {
	e := newEnv(t, nil)
	g := e.create(`{"duration":"1d",` + asAna + `}`)
	var revoked store.Grant
	e.call(http.MethodDelete, "/tenants/acme/grants/current", `{`+asAna+`}`, http.StatusOK, &revoked)
	if revoked.ID != g.ID || revoked.EndReason != store.EndRevoked {
		t.Fatalf("revoked %+v", revoked)
	}
	e.callError(http.MethodDelete, "/tenants/acme/grants/current", `{`+asAna+`}`, http.StatusNotFound, "no_active_grant")
	e.callError(http.MethodDelete, "/tenants/acme/grants/"+g.ID, `{`+asAna+`}`, http.StatusConflict, "grant_ended")
	e.callError(http.MethodDelete, "/tenants/acme/grants/g_nope", `{`+asAna+`}`, http.StatusNotFound, "grant_not_found")
}

// TestMarkupIsStoredAsGiven: escaping is the page's job; the API keeps
// text exactly and returns it as JSON.
func TestMarkupIsStoredAsGiven(t *testing.T) {
	e := newEnv(t, nil)
	note := `<script>alert("x")</script><img src=x onerror=alert(1)> & é`
	body, _ := json.Marshal(map[string]any{"duration": "1d", "note": note, "admin": map[string]string{"id": "u_ana"}})
	g := e.create(string(body))
	stored, err := e.Store.GetGrant(ctx(t), "acme", g.ID)
	if err != nil || g.Note != note || stored.Note != note {
		t.Fatalf("note answered %q, stored %q (%v)", g.Note, stored.Note, err)
	}
	r := e.do(http.MethodGet, "/tenants/acme/grants", "")
	if strings.Contains(string(r.Body), "<script>") || r.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("the listing carries raw markup or is not JSON: %s", r.Body)
	}
}

func TestCreateRefused(t *testing.T) {
	e := newEnv(t, nil)
	huge := `{"note":"` + strings.Repeat("x", 70<<10) + `",` + asAna + `}`
	tests := []struct {
		name   string
		tenant string
		body   string
		status int
		code   string
	}{
		{"no admin", "acme", `{"duration":"1d"}`, 400, "invalid_admin"},
		{"admin without id", "acme", `{"duration":"1d","admin":{"email":"ana@acme.test"}}`, 400, "invalid_admin"},
		{"admin of another tenant", "globex", `{"duration":"1d",` + asAna + `}`, 403, "admin_not_registered"},
		{"unknown admin", "acme", `{"duration":"1d","admin":{"id":"u_eve"}}`, 403, "admin_not_registered"},
		{"tenant without admins", "initech", `{"duration":"1d",` + asAna + `}`, 403, "admin_not_registered"},
		{"role outside admin roles", "acme", `{"duration":"1d","admin":{"id":"u_vic"}}`, 403, "role_not_allowed"},
		{"claimed role differs", "acme", `{"duration":"1d","admin":{"id":"u_vic","role":"owner"}}`, 403, "admin_mismatch"},
		{"claimed email differs", "acme", `{"duration":"1d","admin":{"id":"u_ana","email":"eve@evil.test"}}`, 403, "admin_mismatch"},
		{"duration not offered", "acme", `{"duration":"3d",` + asAna + `}`, 400, "invalid_duration"},
		{"hours not offered", "acme", `{"duration":"36h",` + asAna + `}`, 400, "invalid_duration"},
		{"24h is 1d", "acme", `{"duration":"2d",` + asAna + `}`, 400, "invalid_duration"},
		{"duration garbage", "acme", `{"duration":"soon",` + asAna + `}`, 400, "invalid_duration"},
		{"no duration", "acme", `{` + asAna + `}`, 400, "invalid_duration"},
		{"standing and duration", "acme", `{"standing":true,"duration":"1d",` + asAna + `}`, 400, "invalid_duration"},
		{"unknown scope", "acme", `{"duration":"1d","scopes":["root"],` + asAna + `}`, 400, "invalid_scope"},
		{"long note", "acme", `{"duration":"1d","note":"` + strings.Repeat("n", 501) + `",` + asAna + `}`, 400, "invalid_note"},
		{"unknown field", "acme", `{"duration":"1d","by":"dana",` + asAna + `}`, 400, "invalid_json"},
		{"unknown admin field", "acme", `{"duration":"1d","admin":{"id":"u_ana","tenant":"globex"}}`, 400, "invalid_json"},
		{"not JSON", "acme", `duration=1d`, 400, "invalid_json"},
		{"empty body", "acme", ``, 400, "invalid_json"},
		{"oversized", "acme", huge, 413, "body_too_large"},
		{"bad tenant", "ACME", `{"duration":"1d",` + asAna + `}`, 400, "invalid_tenant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.Head(tt.tenant)
			e.callError(http.MethodPost, "/tenants/"+tt.tenant+"/grants", tt.body, tt.status, tt.code)
			if tt.tenant != "ACME" && e.Head(tt.tenant) != before {
				t.Fatal("a refused request wrote to the audit trail")
			}
		})
	}
	if n := e.Notes(); len(n) != 0 {
		t.Fatalf("refusals notified %+v", n)
	}
}

func TestDurationMessageNamesTheChoices(t *testing.T) {
	e := newEnv(t, nil)
	msg, _ := e.callError(http.MethodPost, "/tenants/acme/grants", `{"duration":"3d",`+asAna+`}`, 400, "invalid_duration")
	if !strings.Contains(msg, "1d, 7d, 28d or standing") {
		t.Fatalf("message %q", msg)
	}
}

func TestConfiguredChoices(t *testing.T) {
	e := newEnv(t, func(c *appapi.Config) {
		c.Durations = []time.Duration{4 * time.Hour, 24 * time.Hour}
		c.NoStanding = true
		c.AdminRoles = []string{"viewer"}
	})
	e.callError(http.MethodPost, "/tenants/acme/grants", `{"duration":"4h",`+asAna+`}`, 403, "role_not_allowed")
	asVic := `"admin":{"id":"u_vic"}`
	g := e.create(`{"duration":"4h",` + asVic + `}`)
	if !g.ExpiresAt.Equal(e.Clock.Now().Add(4 * time.Hour)) {
		t.Fatalf("grant %+v", g)
	}
	e.create(`{"duration":"1d",` + asVic + `}`)
	msg, _ := e.callError(http.MethodPost, "/tenants/acme/grants", `{"standing":true,`+asVic+`}`, 400, "invalid_duration")
	if !strings.Contains(msg, "4h0m0s or 1d") || strings.Contains(msg, "or standing") {
		t.Fatalf("message %q", msg)
	}
	e.callError(http.MethodPost, "/tenants/acme/grants", `{"duration":"7d",`+asVic+`}`, 400, "invalid_duration")
}

func TestRevokeRefused(t *testing.T) {
	e := newEnv(t, nil)
	g := e.create(`{"duration":"1d",` + asAna + `}`)
	path := "/tenants/acme/grants/" + g.ID
	tests := []struct {
		name   string
		path   string
		body   string
		status int
		code   string
	}{
		{"no body", path, ``, 400, "invalid_json"},
		{"no admin", path, `{"reason":"x"}`, 400, "invalid_admin"},
		{"admin of another tenant", path, `{"admin":{"id":"u_gus"}}`, 403, "admin_not_registered"},
		{"viewer", path, `{"admin":{"id":"u_vic"}}`, 403, "role_not_allowed"},
		{"grant of another tenant", "/tenants/globex/grants/" + g.ID, `{"admin":{"id":"u_gus"}}`, 404, "grant_not_found"},
		{"unknown field", path, `{"by":"x",` + asAna + `}`, 400, "invalid_json"},
		{"reason with control", path, `{"reason":"a\u0007",` + asAna + `}`, 400, "invalid_reason"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.callError(http.MethodDelete, tt.path, tt.body, tt.status, tt.code)
		})
	}
	if cur, err := e.Store.ActiveGrant(ctx(t), "acme"); err != nil || cur.ID != g.ID || cur.Ended() {
		t.Fatalf("the grant did not survive: %+v, %v", cur, err)
	}
}

func TestListRefused(t *testing.T) {
	e := newEnv(t, nil)
	e.callError(http.MethodGet, "/tenants/acme/grants?cursor=bogus", "", 400, "invalid_cursor")
	e.callError(http.MethodGet, "/tenants/acme/grants?limit=0", "", 400, "invalid_query")
	e.callError(http.MethodGet, "/tenants/acme/grants?status=active", "", 400, "invalid_query")
	e.callError(http.MethodGet, "/tenants/-x/grants", "", 400, "invalid_tenant")
	_, r := e.callError(http.MethodPatch, "/tenants/acme/grants", "{}", 405, "method_not_allowed")
	if r.Header.Get("Allow") != "GET, HEAD, POST" {
		t.Fatalf("Allow = %q", r.Header.Get("Allow"))
	}
}

// TestListShowsExpiry: a grant past its expiry is recorded expired on
// read, without any write request.
func TestListShowsExpiry(t *testing.T) {
	e := newEnv(t, nil)
	e.create(`{"duration":"1d",` + asAna + `}`)
	e.Clock.Add(25 * time.Hour)
	var page apitest.GrantsPage
	e.call(http.MethodGet, "/tenants/acme/grants", "", http.StatusOK, &page)
	if page.Active != nil || page.Grants[0].EndReason != store.EndExpired {
		t.Fatalf("listing %+v", page)
	}
}
