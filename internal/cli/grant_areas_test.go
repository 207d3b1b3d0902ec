package cli

import "testing"

const grantAreas = `{"id":"g_AREA","tenant":"acme","scopes":["read"],"areas":["calendar","planning"],"created_by":{"id":"ops:dana"},"created_at":"2026-01-02T15:04:05Z","expires_at":"2026-01-09T15:04:05Z"}`

func TestCreateAreaLimitedGrant(t *testing.T) {
	c, f, out := newFake(map[string]answer{"POST /lockbox/tenants/acme/grants": {201, grantAreas}})
	err := c.CreateGrant(CreateOptions{Tenant: "acme", For: "7d", Areas: []string{"planning, calendar"}, By: "dana"})
	if err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "POST", "/lockbox/tenants/acme/grants", `{"scopes":["read"],"duration":"7d","standing":false,"by":"dana","areas":["planning","calendar"]}`)
	wantLines(t, out.String(),
		"  grant       g_AREA",
		"  scopes      read",
		"  areas       only calendar, planning",
	)
}

func TestCreateWithEmptyAreasSendsNone(t *testing.T) {
	c, f, _ := newFake(map[string]answer{"POST /lockbox/tenants/acme/grants": {201, grant7d}})
	if err := c.CreateGrant(CreateOptions{Tenant: "acme", For: "7d", Areas: []string{""}, By: "dana"}); err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "POST", "/lockbox/tenants/acme/grants", `{"scopes":["read"],"duration":"7d","standing":false,"by":"dana"}`)
}

func TestListShowsAreasWithScopes(t *testing.T) {
	c, _, out := newFake(map[string]answer{"GET /lockbox/grants": {200, `{"grants":[` + grantAreas + `,` + standing + `]}`}})
	if err := c.ListGrants(ListOptions{}); err != nil {
		t.Fatal(err)
	}
	wantLines(t, out.String(),
		"TENANT  GRANT   SCOPES                       EXPIRES                       GRANTED BY                  NOTE",
		"acme    g_AREA  read only calendar,planning  2026-01-09 15:04 UTC (in 7d)  ops:dana                    -",
		"globex  g_TWO   read                         standing                      admin-7 <boss@globex.test>  -",
	)
}

func TestListTenantShowsAreas(t *testing.T) {
	body := `{"active":` + grantAreas + `,"grants":[` + grantAreas + `]}`
	c, _, out := newFake(map[string]answer{"GET /lockbox/tenants/acme/grants?limit=100": {200, body}})
	if err := c.ListGrants(ListOptions{Tenant: "acme"}); err != nil {
		t.Fatal(err)
	}
	wantLines(t, out.String(),
		"Tenant acme has active grant g_AREA (read only calendar,planning), expires 2026-01-09 15:04 UTC (in 7d).",
		"g_AREA  read only calendar,planning  active, expires in 7d  just now  ops:dana    -",
	)
}
