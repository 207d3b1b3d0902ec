package appapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
)

const day = 24 * time.Hour

// TestApproveCreatesTheNarrowedGrant: the approving admin narrows scopes
// and duration; the grant made is exactly that, by that admin, and the
// request ends approved naming it.
func TestApproveCreatesTheNarrowedGrant(t *testing.T) {
	onBoth(t, func(t *testing.T, st store.Store) {
		e := newEnvOn(t, st, nil)
		asked := e.ask("acme", bob, func(a *request.Ask) { a.Scopes = []string{"write", "pii"} })
		e.Clock.Add(time.Hour)
		got := e.decide(asked.ID, "approve", `{"scopes":["write"],"duration":"1d",`+asAna+`}`)
		if got.State != request.Approved || got.Granted == "" || len(got.Approvals) != 1 ||
			got.DecidedBy == nil || got.DecidedBy.ID != "u_ana" || !got.DecidedAt.Equal(e.Clock.Now()) {
			t.Fatalf("approved %+v", got)
		}
		if ap := got.Approvals[0]; !slices.Equal(ap.Scopes, []string{"read", "write"}) || ap.Duration != "1d" || ap.By.Email != "ana@acme.test" {
			t.Fatalf("approval %+v", ap)
		}
		g, err := e.Grants.Get(ctx(t), "acme", got.Granted)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(g.Scopes, []string{"read", "write"}) || g.ExpiresAt == nil || !g.ExpiresAt.Equal(e.Clock.Now().Add(day)) ||
			g.CreatedBy != (store.Actor{ID: "u_ana", Email: "ana@acme.test", Role: "owner"}) || !strings.Contains(g.Note, asked.ID) {
			t.Fatalf("grant %+v", g)
		}
		if cur, err := e.Grants.Current(ctx(t), "acme"); err != nil || cur.ID != g.ID {
			t.Fatalf("active grant %+v, %v", cur, err)
		}
		var read request.Request
		e.call(http.MethodGet, "/requests/"+asked.ID, "", http.StatusOK, &read)
		if read.State != request.Approved || read.Granted != g.ID {
			t.Fatalf("read back %+v", read)
		}
		e.verify("acme", "request.created", "grant.created", "request.approved")
		if n := e.Notes(); len(n) != 1 || n[0].Event != "request.approved" || n[0].Tenant != "acme" {
			t.Fatalf("notifications %+v", n)
		} else if p, ok := n[0].Payload.(request.Request); !ok || p.Granted != g.ID {
			t.Fatalf("payload %#v", n[0].Payload)
		}

		e.callError(http.MethodPost, "/requests/"+asked.ID+"/approve", `{`+asAna+`}`, 409, "request_approved")
		e.callError(http.MethodPost, "/requests/"+asked.ID+"/deny", `{`+asAna+`}`, 409, "request_approved")
	})
}

// TestApproveKeepsWhatWasAsked: narrowing fields left out or null grant
// what the agent asked for.
func TestApproveKeepsWhatWasAsked(t *testing.T) {
	e := newEnv(t, withAreas)
	for _, body := range []string{
		`{` + asAna + `}`,
		`{"scopes":null,"duration":null,"areas":null,` + asAna + `}`,
	} {
		asked := e.ask("acme", bob, func(a *request.Ask) { a.Scopes = []string{"pii"}; a.Areas = []string{"planning"} })
		got := e.decide(asked.ID, "approve", body)
		g, err := e.Grants.Get(ctx(t), "acme", got.Granted)
		if err != nil || !slices.Equal(g.Scopes, []string{"read", "pii"}) || !g.ExpiresAt.Equal(e.Clock.Now().Add(7*day)) ||
			!slices.Equal(g.Areas, []string{"planning"}) {
			t.Fatalf("%s: grant %+v, %v", body, g, err)
		}
		e.Clock.Add(time.Minute)
	}
}

func TestApproveRefused(t *testing.T) {
	e := newEnv(t, withAreas)
	asked := e.ask("acme", bob, func(a *request.Ask) { a.Scopes = nil; a.Areas = []string{"planning"} })
	path := "/requests/" + asked.ID + "/approve"
	before := e.Head("acme")
	tests := []struct {
		name   string
		body   string
		status int
		code   string
	}{
		{"no admin", `{"duration":"1d"}`, 400, "invalid_admin"},
		{"null admin", `{"admin":null}`, 400, "invalid_admin"},
		{"empty scopes", `{"scopes":[],` + asAna + `}`, 400, "invalid_scope"},
		{"unknown scope", `{"scopes":["root"],` + asAna + `}`, 400, "invalid_scope"},
		{"wider scopes", `{"scopes":["write"],` + asAna + `}`, 400, "scope_widened"},
		{"longer duration", `{"duration":"28d",` + asAna + `}`, 400, "invalid_duration"},
		{"duration garbage", `{"duration":"soon",` + asAna + `}`, 400, "invalid_duration"},
		{"wider areas", `{"areas":["calendar"],` + asAna + `}`, 400, "areas_widened"},
		{"whole app instead of an area", `{"areas":[],` + asAna + `}`, 400, "areas_widened"},
		{"unknown area", `{"areas":["billing"],` + asAna + `}`, 400, "unknown_area"},
		{"unknown field", `{"standing":true,` + asAna + `}`, 400, "invalid_json"},
		{"scopes not a list", `{"scopes":"write",` + asAna + `}`, 400, "invalid_json"},
		{"not JSON", `approve=1`, 400, "invalid_json"},
		{"empty body", ``, 400, "invalid_json"},
		{"oversized", `{"message":"` + strings.Repeat("x", 70<<10) + `"}`, 413, "body_too_large"},
		{"viewer", `{"admin":{"id":"u_vic"}}`, 403, "role_not_allowed"},
		{"claimed email differs", `{"admin":{"id":"u_ana","email":"eve@evil.test"}}`, 403, "admin_mismatch"},
		{"unknown admin", `{"admin":{"id":"u_eve"}}`, 403, "admin_not_registered"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.callError(http.MethodPost, path, tt.body, tt.status, tt.code)
		})
	}
	msg, _ := e.callError(http.MethodPost, path, `{"scopes":[],`+asAna+`}`, 400, "invalid_scope")
	if !strings.Contains(msg, `["read"]`) || !strings.Contains(msg, "read is always granted") {
		t.Fatalf("empty scopes message %q", msg)
	}
	if e.Head("acme") != before {
		t.Fatal("a refused approval wrote to the audit trail")
	}
	e.noGrant("acme")
	if n := e.Notes(); len(n) != 0 {
		t.Fatalf("refusals notified %+v", n)
	}
	if got := e.decide(asked.ID, "approve", `{"scopes":["read"],`+asAna+`}`); got.State != request.Approved {
		t.Fatalf("after the refusals: %+v", got)
	}
}

// TestTwoApprovalsNeeded: with two approvals needed, the first leaves the
// request pending and grants nothing, the same admin cannot count twice,
// and another admin's approval grants what both allow.
func TestTwoApprovalsNeeded(t *testing.T) {
	onBoth(t, func(t *testing.T, st store.Store) {
		e := newEnvWith(t, st, nil, request.Config{Needed: 2})
		e.SetAdmins("acme", ana, vic, olga)
		asked := e.ask("acme", bob, nil)
		path := "/requests/" + asked.ID + "/approve"

		first := e.decide(asked.ID, "approve", `{"duration":"1d",`+asAna+`}`)
		if first.State != request.Pending || len(first.Approvals) != 1 || first.Granted != "" || first.Needed != 2 {
			t.Fatalf("after one approval: %+v", first)
		}
		e.noGrant("acme")
		msg, _ := e.callError(http.MethodPost, path, `{`+asAna+`}`, 409, "already_approved")
		if !strings.Contains(msg, "1 more") {
			t.Fatalf("message %q", msg)
		}
		e.noGrant("acme")

		second := e.decide(asked.ID, "approve", `{"admin":{"id":"u_olga","email":"OLGA@acme.test"}}`)
		if second.State != request.Approved || len(second.Approvals) != 2 || second.Granted == "" || second.DecidedBy.ID != "u_olga" {
			t.Fatalf("after two approvals: %+v", second)
		}
		g, err := e.Grants.Get(ctx(t), "acme", second.Granted)
		if err != nil || !g.ExpiresAt.Equal(e.Clock.Now().Add(day)) || !slices.Equal(g.Scopes, []string{"read", "write"}) || g.CreatedBy.ID != "u_olga" {
			t.Fatalf("grant %+v, %v: want the shorter 1d of the first approval", g, err)
		}
		e.verify("acme", "request.created", "request.approval", "grant.created", "request.approved")
		if got := e.noteEvents(); !slices.Equal(got, []string{"request.approval", "request.approved"}) {
			t.Fatalf("notifications %v", got)
		}
	})
}

// TestOwnRequestRefused: an admin whose email is the asking agent's, in
// any case, decides nothing about the request.
func TestOwnRequestRefused(t *testing.T) {
	onBoth(t, func(t *testing.T, st store.Store) {
		e := newEnvOn(t, st, nil)
		self := admins.Admin{ID: "u_bob", Email: "Bob@Support.TEST", Role: "owner"}
		e.SetAdmins("acme", ana, self)
		asked := e.ask("acme", bob, nil)
		before := e.Head("acme")
		for _, verb := range []string{"approve", "deny"} {
			e.callError(http.MethodPost, "/requests/"+asked.ID+"/"+verb, `{"admin":{"id":"u_bob"}}`, 403, "own_request")
		}
		if e.Head("acme") != before {
			t.Fatal("a refused self-approval wrote to the audit trail")
		}
		e.noGrant("acme")
		if got := e.decide(asked.ID, "approve", `{`+asAna+`}`); got.State != request.Approved {
			t.Fatalf("another admin could not approve: %+v", got)
		}
	})
}

// TestOtherTenantsAdminRefused: the request's tenant decides whose admins
// answer it; an admin of another tenant gets nowhere.
func TestOtherTenantsAdminRefused(t *testing.T) {
	onBoth(t, func(t *testing.T, st store.Store) {
		e := newEnvOn(t, st, nil)
		acme := e.ask("acme", bob, nil)
		globex := e.ask("globex", bob, nil)
		tests := []struct {
			id, admin string
		}{
			{acme.ID, `"admin":{"id":"u_gus"}`},
			{acme.ID, `"admin":{"id":"u_gus","email":"gus@globex.test","role":"admin"}`},
			{globex.ID, asAna},
		}
		for _, tt := range tests {
			for _, verb := range []string{"approve", "deny"} {
				e.callError(http.MethodPost, "/requests/"+tt.id+"/"+verb, `{`+tt.admin+`}`, 403, "admin_not_registered")
			}
		}
		e.noGrant("acme")
		e.noGrant("globex")
		for _, id := range []string{acme.ID, globex.ID} {
			if r, err := e.requests.Get(ctx(t), id); err != nil || r.State != request.Pending || len(r.Approvals) != 0 {
				t.Fatalf("request %+v, %v", r, err)
			}
		}
		if got := e.EventTypes("acme"); slices.Contains(got, "request.approval") || slices.Contains(got, "request.denied") {
			t.Fatalf("audit %v", got)
		}
	})
}

func TestDenyWithMessage(t *testing.T) {
	onBoth(t, func(t *testing.T, st store.Store) {
		e := newEnvOn(t, st, nil)
		asked := e.ask("acme", bob, nil)
		path := "/requests/" + asked.ID + "/deny"
		e.callError(http.MethodPost, path, `{"message":"no\u0007",`+asAna+`}`, 400, "invalid_message")
		e.callError(http.MethodPost, path, `{"message":"`+strings.Repeat("m", request.MaxMessage+1)+`",`+asAna+`}`, 400, "invalid_message")
		e.callError(http.MethodPost, path, `{"message":"x","scopes":["read"],`+asAna+`}`, 400, "invalid_json")
		e.callError(http.MethodPost, path, `{"message":"x","admin":{"id":"u_vic"}}`, 403, "role_not_allowed")

		msg := `Not during the <b>audit</b> week, sorry`
		got := e.decide(asked.ID, "deny", `{"message":" `+msg+` ",`+asAna+`}`)
		if got.State != request.Denied || got.Message != msg || got.DecidedBy == nil || got.DecidedBy.ID != "u_ana" || got.Granted != "" {
			t.Fatalf("denied %+v", got)
		}
		e.noGrant("acme")
		e.callError(http.MethodPost, "/requests/"+asked.ID+"/approve", `{`+asAna+`}`, 409, "request_denied")
		e.callError(http.MethodPost, path, `{`+asAna+`}`, 409, "request_denied")
		e.verify("acme", "request.created", "request.denied")
		if got := e.noteEvents(); !slices.Equal(got, []string{"request.denied"}) {
			t.Fatalf("notifications %v", got)
		}
		if got := ids(e.listRequests("acme", "?state=denied")); !slices.Equal(got, []string{asked.ID}) {
			t.Fatalf("denied listing %v", got)
		}
	})
}

// TestExtensionExtendsTheSameGrant: approving an agent's ask for more
// time moves the active grant's expiry and keeps its id.
func TestExtensionExtendsTheSameGrant(t *testing.T) {
	onBoth(t, func(t *testing.T, st store.Store) {
		e := newEnvOn(t, st, nil)
		g := e.create(`{"scopes":["write"],"duration":"1d",` + asAna + `}`)
		e.Clock.Add(23 * time.Hour)
		asked := e.ask("acme", bob, func(a *request.Ask) { a.Extension = true })
		if !asked.Extension || asked.Grant != g.ID {
			t.Fatalf("asked %+v", asked)
		}
		path := "/requests/" + asked.ID + "/approve"
		e.callError(http.MethodPost, path, `{"scopes":["read"],`+asAna+`}`, 400, "extension_keeps_scope")
		e.callError(http.MethodPost, path, `{"duration":"28d",`+asAna+`}`, 400, "invalid_duration")

		got := e.decide(asked.ID, "approve", `{"duration":"1d",`+asAna+`}`)
		if got.State != request.Approved || got.Granted != g.ID {
			t.Fatalf("approved %+v, want grant %s", got, g.ID)
		}
		ext, err := e.Grants.Get(ctx(t), "acme", g.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := g.ExpiresAt.Add(day)
		if ext.Ended() || !ext.ExpiresAt.Equal(want) || !slices.Equal(ext.Scopes, g.Scopes) || len(ext.Extensions) != 1 {
			t.Fatalf("extended grant %+v, want expiry %s", ext, want)
		}
		if x := ext.Extensions[0]; x.Request != asked.ID || !x.From.Equal(*g.ExpiresAt) || !x.To.Equal(want) || x.By.ID != "u_ana" {
			t.Fatalf("extension %+v", x)
		}
		if cur, err := e.Grants.Current(ctx(t), "acme"); err != nil || cur.ID != g.ID {
			t.Fatalf("active %+v, %v", cur, err)
		}
		e.verify("acme", "grant.created", "request.created", "grant.extended", "request.approved")
		if got := e.EventTypes("acme"); slices.Contains(got, "grant.replaced") {
			t.Fatalf("audit %v: an extension replaced the grant", got)
		}
	})
}

// TestExpiredRequest: past its lifetime a request can no longer be
// decided and lists as expired.
func TestExpiredRequest(t *testing.T) {
	onBoth(t, func(t *testing.T, st store.Store) {
		e := newEnvWith(t, st, nil, request.Config{TTL: time.Hour})
		asked := e.ask("acme", bob, nil)
		e.Clock.Add(59 * time.Minute)
		if got := ids(e.listRequests("acme", "?state=pending")); !slices.Equal(got, []string{asked.ID}) {
			t.Fatalf("pending listing before the end %v", got)
		}
		e.Clock.Add(time.Minute)
		if got := ids(e.listRequests("acme", "?state=expired")); !slices.Equal(got, []string{asked.ID}) {
			t.Fatalf("expired listing %v", got)
		}
		if got := ids(e.listRequests("acme", "?state=pending")); len(got) != 0 {
			t.Fatalf("still pending: %v", got)
		}
		e.callError(http.MethodPost, "/requests/"+asked.ID+"/approve", `{`+asAna+`}`, 409, "request_expired")
		e.callError(http.MethodPost, "/requests/"+asked.ID+"/deny", `{`+asAna+`}`, 409, "request_expired")
		var got request.Request
		e.call(http.MethodGet, "/requests/"+asked.ID, "", http.StatusOK, &got)
		if got.State != request.Expired || got.DecidedAt == nil || !got.DecidedAt.Equal(asked.ExpiresAt) {
			t.Fatalf("read %+v", got)
		}
		e.noGrant("acme")
		e.verify("acme", "request.created", "request.expired")
		if n := len(slices.DeleteFunc(e.EventTypes("acme"), func(s string) bool { return s != "request.expired" })); n != 1 {
			t.Fatalf("%d request.expired events, want 1", n)
		}
	})
}
