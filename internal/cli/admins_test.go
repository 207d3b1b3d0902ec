package cli

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	anaAdmin  = `{"id":"a1","email":"ana@acme.example","name":"Ana Admin","role":"owner"}`
	bobAdmin  = `{"id":"a2","email":"bob@acme.example","role":"viewer"}`
	twoAdmins = `{"admins":[` + anaAdmin + `,` + bobAdmin + `]}`
)

func TestListAdmins(t *testing.T) {
	c, f, out := newFake(map[string]answer{"GET /lockbox/tenants/acme/admins": {200, twoAdmins}})
	if err := c.ListAdmins(AdminsListOptions{Tenant: "acme"}); err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "GET", "/lockbox/tenants/acme/admins", "")
	wantLines(t, out.String(),
		"ID  EMAIL             NAME       ROLE",
		"a1  ana@acme.example  Ana Admin  owner",
		"a2  bob@acme.example  -          viewer",
	)
}

func TestListAdminsNoneAndJSON(t *testing.T) {
	c, _, out := newFake(map[string]answer{"GET /lockbox/tenants/acme/admins": {200, `{"admins":[]}`}})
	if err := c.ListAdmins(AdminsListOptions{Tenant: "acme"}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "Tenant acme has no registered admins.\n" {
		t.Fatalf("output %q", got)
	}
	c, _, out = newFake(map[string]answer{"GET /lockbox/tenants/acme/admins": {200, twoAdmins}})
	if err := c.ListAdmins(AdminsListOptions{Tenant: "acme", JSON: true}); err != nil {
		t.Fatal(err)
	}
	var l adminList
	if err := json.Unmarshal(out.Bytes(), &l); err != nil || len(l.Admins) != 2 || l.Admins[0].Name != "Ana Admin" {
		t.Fatalf("JSON output %q: %v", out, err)
	}
}

func TestSetAdminsFromFlags(t *testing.T) {
	c, f, out := newFake(map[string]answer{"PUT /lockbox/tenants/acme/admins": {200, twoAdmins}})
	err := c.SetAdmins(AdminsSetOptions{
		Tenant: "acme", By: "dana",
		Specs: []string{"id=a1,email=ana@acme.example,name=Ana Admin,role=owner", "id=a2,email=bob@acme.example,role=viewer"},
	})
	if err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "PUT", "/lockbox/tenants/acme/admins", `{"admins":[`+anaAdmin+`,`+bobAdmin+`],"by":"dana"}`)
	wantLines(t, out.String(),
		"Tenant acme has 2 admins now:",
		"a1  ana@acme.example  Ana Admin  owner",
	)
}

func TestSetAdminsFromFile(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"list.json":   `[` + anaAdmin + `,` + bobAdmin + `]`,
		"answer.json": twoAdmins + "\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			c, f, _ := newFake(map[string]answer{"PUT /lockbox/tenants/acme/admins": {200, twoAdmins}})
			if err := c.SetAdmins(AdminsSetOptions{Tenant: "acme", File: path, By: "dana"}); err != nil {
				t.Fatal(err)
			}
			wantSent(t, f, "PUT", "/lockbox/tenants/acme/admins", `{"admins":[`+anaAdmin+`,`+bobAdmin+`],"by":"dana"}`)
		})
	}
}

func TestSetAdminsClear(t *testing.T) {
	c, f, out := newFake(map[string]answer{"PUT /lockbox/tenants/acme/admins": {200, `{"admins":[]}`}})
	if err := c.SetAdmins(AdminsSetOptions{Tenant: "acme", Clear: true, By: "dana"}); err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "PUT", "/lockbox/tenants/acme/admins", `{"admins":[],"by":"dana"}`)
	if got := out.String(); got != "Removed every admin of tenant acme.\n" {
		t.Fatalf("output %q", got)
	}
}

func TestSetAdminsUsageErrorsSendNothing(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ana := "id=a1,email=ana@acme.example,role=owner"
	tests := []struct {
		name string
		o    AdminsSetOptions
		msg  string
	}{
		{"no tenant", AdminsSetOptions{Specs: []string{ana}, By: "dana"}, "--tenant is required"},
		{"nothing given", AdminsSetOptions{Tenant: "acme", By: "dana"}, "give the admins with --admin"},
		{"flags and file", AdminsSetOptions{Tenant: "acme", Specs: []string{ana}, File: "x.json", By: "dana"}, "one of --admin, --file or --clear"},
		{"flags and clear", AdminsSetOptions{Tenant: "acme", Specs: []string{ana}, Clear: true, By: "dana"}, "one of"},
		{"one bad spec", AdminsSetOptions{Tenant: "acme", Specs: []string{"id=a1"}, By: "dana"}, "invalid --admin value: email is required"},
		{"second bad spec", AdminsSetOptions{Tenant: "acme", Specs: []string{ana, "id=a2,mail=x,role=owner"}, By: "dana"}, `invalid --admin #2: unknown field "mail"`},
		{"no such file", AdminsSetOptions{Tenant: "acme", File: filepath.Join(dir, "missing.json"), By: "dana"}, "cannot read --file"},
		{"empty file", AdminsSetOptions{Tenant: "acme", File: write("empty.json", " \n"), By: "dana"}, "it is empty"},
		{"not JSON", AdminsSetOptions{Tenant: "acme", File: write("bad.json", "id=a1"), By: "dana"}, "is not a JSON list of admins"},
		{"unknown field", AdminsSetOptions{Tenant: "acme", File: write("phone.json", `[{"id":"a1","phone":"1"}]`), By: "dana"}, `unknown field "phone"`},
		{"two values", AdminsSetOptions{Tenant: "acme", File: write("two.json", `[] []`), By: "dana"}, "data follows"},
		{"too big", AdminsSetOptions{Tenant: "acme", File: write("big.json", strings.Repeat(" ", maxAdminsFile+1)), By: "dana"}, "larger than"},
		{"nobody", AdminsSetOptions{Tenant: "acme", Specs: []string{ana}}, "--by"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f, _ := newFake(nil)
			err := c.SetAdmins(tt.o)
			if !IsUsage(err) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err = %v, want a usage error containing %q", err, tt.msg)
			}
			if len(f.sent) != 0 {
				t.Fatalf("sent %+v", f.sent)
			}
		})
	}
}

func TestSetAdminsRefusedByAPI(t *testing.T) {
	c, _, out := newFake(map[string]answer{"PUT /lockbox/tenants/acme/admins": {400, `{"error":{"code":"invalid_admins","message":"admins[0]: email \"ana\" is not a bare address"}}`}})
	err := c.SetAdmins(AdminsSetOptions{Tenant: "acme", Specs: []string{"id=a1,email=ana,role=owner"}, By: "dana"})
	var e *APIError
	if !errors.As(err, &e) || e.Code != "invalid_admins" || Line(err) != `lockbox: admins[0]: email "ana" is not a bare address` {
		t.Fatalf("err = %v", err)
	}
	if out.Len() != 0 {
		t.Fatalf("printed %q on error", out)
	}
}
