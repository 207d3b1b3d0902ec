package cli

import (
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/admins"
)

func TestParseAdmin(t *testing.T) {
	tests := []struct {
		name string
		spec string
		want admins.Admin
	}{
		{"all fields", "id=a1,email=ana@acme.example,name=Ana Admin,role=owner",
			admins.Admin{ID: "a1", Email: "ana@acme.example", Name: "Ana Admin", Role: "owner"}},
		{"no name", "id=a2,email=bob@acme.example,role=viewer",
			admins.Admin{ID: "a2", Email: "bob@acme.example", Role: "viewer"}},
		{"any order, spaces, upper-case keys", " ROLE = owner , Email=ana@acme.example,  id=a1 ",
			admins.Admin{ID: "a1", Email: "ana@acme.example", Role: "owner"}},
		{"trailing comma", "id=a1,email=ana@acme.example,role=owner,",
			admins.Admin{ID: "a1", Email: "ana@acme.example", Role: "owner"}},
		{"quoted comma", `id=a1,email=ana@acme.example,name="Admin, Ana",role=owner`,
			admins.Admin{ID: "a1", Email: "ana@acme.example", Name: "Admin, Ana", Role: "owner"}},
		{"quoted spaces kept", `id=a1,email=ana@acme.example,name=" Ana ",role=owner`,
			admins.Admin{ID: "a1", Email: "ana@acme.example", Name: " Ana ", Role: "owner"}},
		{"escapes in quotes", `id=a1,email=ana@acme.example,name="Ana \"The Boss\" \\ Admin" ,role=owner`,
			admins.Admin{ID: "a1", Email: "ana@acme.example", Name: `Ana "The Boss" \ Admin`, Role: "owner"}},
		{"equals in a value", "id=a=1,email=ana@acme.example,role=owner",
			admins.Admin{ID: "a=1", Email: "ana@acme.example", Role: "owner"}},
		{"quote inside an unquoted value", `id=a1,email=ana@acme.example,name=Ana "A",role=owner`,
			admins.Admin{ID: "a1", Email: "ana@acme.example", Name: `Ana "A"`, Role: "owner"}},
		{"quoted last value", `id=a1,email=ana@acme.example,role="owner"`,
			admins.Admin{ID: "a1", Email: "ana@acme.example", Role: "owner"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseAdmin(tt.spec)
			if err != nil || got != tt.want {
				t.Fatalf("parseAdmin(%q) = %+v, %v; want %+v", tt.spec, got, err, tt.want)
			}
		})
	}
}

func TestParseAdminRefuses(t *testing.T) {
	tests := []struct {
		name string
		spec string
		msg  string
	}{
		{"empty", "", "it is empty"},
		{"only commas", " , ,", "it is empty"},
		{"not key=value", "id=a1,ana@acme.example,role=owner", `"ana@acme.example" is not key=value`},
		{"a bare word", "a1", `"a1" is not key=value`},
		{"no key", "id=a1,=ana@acme.example,role=owner", "no name"},
		{"unknown key", "id=a1,email=ana@acme.example,role=owner,phone=1", `unknown field "phone"`},
		{"twice", "id=a1,id=a2,email=ana@acme.example,role=owner", "id is given twice"},
		{"no id", "email=ana@acme.example,role=owner", "id is required"},
		{"empty email", "id=a1,email=,role=owner", "email is required"},
		{"no role", "id=a1,email=ana@acme.example", "role is required"},
		{"unclosed quote", `id=a1,email=ana@acme.example,name="Ana, role=owner`, "no closing quote"},
		{"text after quote", `id=a1,email=ana@acme.example,name="Ana"x,role=owner`, "followed by a comma"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseAdmin(tt.spec)
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("parseAdmin(%q) = %v, want an error containing %q", tt.spec, err, tt.msg)
			}
		})
	}
}
