package cli

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

const (
	grant7d  = `{"id":"g_ONE","tenant":"acme","scopes":["read","write"],"created_by":{"id":"ops:dana"},"created_at":"2026-01-02T15:04:05Z","expires_at":"2026-01-09T15:04:05Z","note":"ticket 42"}`
	standing = `{"id":"g_TWO","tenant":"globex","scopes":["read"],"created_by":{"id":"admin-7","email":"boss@globex.test","role":"owner"},"created_at":"2026-01-01T15:04:05Z"}`
)

func TestCreateGrant(t *testing.T) {
	c, f, out := newFake(map[string]answer{"POST /lockbox/tenants/acme/grants": {201, grant7d}})
	err := c.CreateGrant(CreateOptions{Tenant: "acme", For: "7d", Scopes: []string{"read,write"}, Note: "ticket 42", By: "dana"})
	if err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "POST", "/lockbox/tenants/acme/grants", `{"scopes":["read","write"],"duration":"7d","standing":false,"note":"ticket 42","by":"dana"}`)
	wantLines(t, out.String(),
		"Granted support access to tenant acme.",
		"  grant       g_ONE",
		"  scopes      read, write",
		"  expires     2026-01-09 15:04 UTC (in 7d)",
		"  granted by  ops:dana",
		"  note        ticket 42",
	)
}

func TestCreateStandingGrantAsJSON(t *testing.T) {
	c, f, out := newFake(map[string]answer{"POST /lockbox/tenants/globex/grants": {201, standing}})
	if err := c.CreateGrant(CreateOptions{Tenant: "globex", Standing: true, By: "dana", JSON: true}); err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "POST", "/lockbox/tenants/globex/grants", `{"scopes":["read"],"standing":true,"by":"dana"}`)
	var g map[string]any
	if err := json.Unmarshal(out.Bytes(), &g); err != nil || g["id"] != "g_TWO" || !strings.Contains(out.String(), "\n  \"tenant\": \"globex\"") {
		t.Fatalf("JSON output %q: %v", out, err)
	}
}

func TestCreateUsageErrorsSendNothing(t *testing.T) {
	tests := []struct {
		name string
		o    CreateOptions
		msg  string
	}{
		{"no tenant", CreateOptions{For: "7d", By: "dana"}, "--tenant is required"},
		{"bad tenant", CreateOptions{Tenant: "ACME", For: "7d", By: "dana"}, `invalid tenant id "ACME"`},
		{"path in tenant", CreateOptions{Tenant: "../grants", For: "7d", By: "dana"}, "invalid tenant id"},
		{"no duration", CreateOptions{Tenant: "acme", By: "dana"}, "--for"},
		{"both", CreateOptions{Tenant: "acme", For: "7d", Standing: true, By: "dana"}, "not both"},
		{"nobody", CreateOptions{Tenant: "acme", For: "7d", By: " "}, "--by"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f, _ := newFake(nil)
			err := c.CreateGrant(tt.o)
			if !IsUsage(err) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err = %v, want a usage error containing %q", err, tt.msg)
			}
			if len(f.sent) != 0 {
				t.Fatalf("sent %+v", f.sent)
			}
		})
	}
}

func TestCreateRefusedByAPI(t *testing.T) {
	c, _, out := newFake(map[string]answer{"POST /lockbox/tenants/acme/grants": {400, `{"error":{"code":"invalid_duration","message":"duration 401d is out of range: use 1m to 400d, or a standing grant"}}`}})
	err := c.CreateGrant(CreateOptions{Tenant: "acme", For: "401d", By: "dana"})
	var e *APIError
	if !errors.As(err, &e) || e.Code != "invalid_duration" || Line(err) != "lockbox: duration 401d is out of range: use 1m to 400d, or a standing grant" {
		t.Fatalf("err = %v", err)
	}
	if out.Len() != 0 {
		t.Fatalf("printed %q on error", out)
	}
}

func TestListActiveGrants(t *testing.T) {
	c, f, out := newFake(map[string]answer{"GET /lockbox/grants": {200, `{"grants":[` + grant7d + `,` + standing + `]}`}})
	if err := c.ListGrants(ListOptions{}); err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "GET", "/lockbox/grants", "")
	wantLines(t, out.String(),
		"TENANT  GRANT  SCOPES      EXPIRES                       GRANTED BY                  NOTE",
		"acme    g_ONE  read,write  2026-01-09 15:04 UTC (in 7d)  ops:dana                    ticket 42",
		"globex  g_TWO  read        standing                      admin-7 <boss@globex.test>  -",
	)
}

func TestListNoActiveGrants(t *testing.T) {
	c, _, out := newFake(map[string]answer{"GET /lockbox/grants": {200, `{"grants":[]}`}})
	if err := c.ListGrants(ListOptions{}); err != nil {
		t.Fatal(err)
	}
	wantLines(t, out.String(), "No tenant has an active grant.")
}

func TestListTenantHistory(t *testing.T) {
	revoked := `{"id":"g_OLD","tenant":"acme","scopes":["read"],"created_by":{"id":"ops:dana"},"created_at":"2025-12-30T15:04:05Z","expires_at":"2026-01-06T15:04:05Z",` +
		`"ended_at":"2026-01-01T15:04:05Z","ended_by":{"id":"ops:sam"},"end_reason":"revoked","end_note":"done"}`
	replaced := `{"id":"g_OLDER","tenant":"acme","scopes":["read","pii"],"created_by":{"id":"ops:dana"},"created_at":"2025-12-20T15:04:05Z","ended_at":"2025-12-30T15:04:05Z","end_reason":"replaced"}`
	expired := `{"id":"g_OLDEST","tenant":"acme","scopes":["read"],"created_by":{"id":"ops:dana"},"created_at":"2025-12-01T15:04:05Z","expires_at":"2025-12-02T15:04:05Z"}`
	body := `{"active":` + grant7d + `,"grants":[` + grant7d + `,` + revoked + `,` + replaced + `,` + expired + `],"next_cursor":"abc"}`
	c, f, out := newFake(map[string]answer{"GET /lockbox/tenants/acme/grants?limit=100": {200, body}})
	if err := c.ListGrants(ListOptions{Tenant: "acme"}); err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "GET", "/lockbox/tenants/acme/grants?limit=100", "")
	wantLines(t, out.String(),
		"Tenant acme has active grant g_ONE (read,write), expires 2026-01-09 15:04 UTC (in 7d).",
		"GRANT     SCOPES      STATUS                            GRANTED   GRANTED BY  NOTE",
		"g_ONE     read,write  active, expires in 7d             just now  ops:dana    ticket 42",
		"g_OLD     read        revoked 1d ago by ops:sam (done)  3d ago    ops:dana    -",
		"g_OLDER   read,pii    replaced 3d ago                   13d ago   ops:dana    -",
		"g_OLDEST  read        expired 31d ago                   32d ago   ops:dana    -",
		"(only the 100 newest grants are shown)",
	)
}

func TestListTenantWithoutActiveGrant(t *testing.T) {
	c, _, out := newFake(map[string]answer{"GET /lockbox/tenants/acme/grants?limit=100": {200, `{"active":null,"grants":[]}`}})
	if err := c.ListGrants(ListOptions{Tenant: "acme"}); err != nil {
		t.Fatal(err)
	}
	if out.String() != "Tenant acme has no active grant.\n" {
		t.Fatalf("output %q", out)
	}
}

func TestRevokeCurrentGrant(t *testing.T) {
	ended := strings.TrimSuffix(grant7d, "}") + `,"ended_at":"2026-01-02T15:04:05Z","ended_by":{"id":"ops:dana"},"end_reason":"revoked","end_note":"done"}`
	c, f, out := newFake(map[string]answer{"DELETE /lockbox/tenants/acme/grants/current": {200, ended}})
	if err := c.RevokeGrant(RevokeOptions{Tenant: "acme", Reason: "done", By: "dana"}); err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "DELETE", "/lockbox/tenants/acme/grants/current", `{"by":"dana","reason":"done"}`)
	wantLines(t, out.String(), "Revoked grant g_ONE of tenant acme (read,write, granted by ops:dana just now).")
}

func TestRevokeNamedGrantEscapesID(t *testing.T) {
	c, f, _ := newFake(nil)
	err := c.RevokeGrant(RevokeOptions{Tenant: "acme", ID: "g/../x", By: "dana"})
	wantSent(t, f, "DELETE", "/lockbox/tenants/acme/grants/g%2F..%2Fx", `{"by":"dana"}`)
	if Line(err) != "lockbox: no such route" {
		t.Fatalf("err = %v", err)
	}
}

func TestRevokeWithNothingActive(t *testing.T) {
	c, _, _ := newFake(map[string]answer{"DELETE /lockbox/tenants/acme/grants/current": {404, `{"error":{"code":"no_active_grant","message":"tenant acme has no active grant"}}`}})
	err := c.RevokeGrant(RevokeOptions{Tenant: "acme", By: "dana"})
	if Line(err) != "lockbox: tenant acme has no active grant" || IsUsage(err) {
		t.Fatalf("err = %v", err)
	}
}

func TestTransportFailureIsReturned(t *testing.T) {
	down := &UnreachableError{Addr: "localhost:2019"}
	c := &Client{Send: func(string, string, []byte) (int, []byte, error) { return 0, nil, down }, Out: &strings.Builder{}}
	if err := c.ListGrants(ListOptions{}); err != down {
		t.Fatalf("err = %v", err)
	}
}

func TestAnswerThatIsNotJSON(t *testing.T) {
	c, _, _ := newFake(map[string]answer{"GET /lockbox/grants": {200, `<html>`}})
	err := c.ListGrants(ListOptions{})
	if err == nil || !strings.Contains(err.Error(), "not Lockbox JSON") {
		t.Fatalf("err = %v", err)
	}
}

func TestStandingGrantWording(t *testing.T) {
	c, _, out := newFake(map[string]answer{
		"POST /lockbox/tenants/globex/grants":          {201, standing},
		"GET /lockbox/tenants/globex/grants?limit=100": {200, `{"active":` + standing + `,"grants":[` + standing + `]}` + "\n"},
	})
	if err := c.CreateGrant(CreateOptions{Tenant: "globex", Standing: true, By: "dana"}); err != nil {
		t.Fatal(err)
	}
	if err := c.ListGrants(ListOptions{Tenant: "globex"}); err != nil {
		t.Fatal(err)
	}
	wantLines(t, out.String(),
		"  expires     never (standing grant, until revoked)",
		"  granted by  admin-7 <boss@globex.test>",
		"Tenant globex has active grant g_TWO (read), standing until revoked.",
		"g_TWO  read    active, standing  1d ago   admin-7 <boss@globex.test>  -",
	)
}

func TestJSONOutputEndsInOneNewline(t *testing.T) {
	c, _, out := newFake(map[string]answer{"GET /lockbox/grants": {200, "{\"grants\":[]}\n\n"}})
	if err := c.ListGrants(ListOptions{JSON: true}); err != nil {
		t.Fatal(err)
	}
	if out.String() != "{\n  \"grants\": []\n}\n" {
		t.Fatalf("output %q", out)
	}
}
