package login

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

func TestStringList(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want []string
		ok   bool
	}{
		{name: "absent", raw: "", ok: true},
		{name: "null", raw: "null", ok: true},
		{name: "list", raw: `["a","b"]`, want: []string{"a", "b"}, ok: true},
		{name: "empty list", raw: `[]`, want: []string{}, ok: true},
		{name: "single string", raw: `"support"`, want: []string{"support"}, ok: true},
		{name: "number", raw: `7`},
		{name: "object", raw: `{"a":1}`},
		{name: "mixed list", raw: `["a",1]`},
		{name: "nested list", raw: `[["a"]]`},
		{name: "control char", raw: `["a\nb"]`},
		{name: "too long", raw: `["` + strings.Repeat("x", 257) + `"]`},
		{name: "too many", raw: `[` + strings.Repeat(`"g",`, 100) + `"g"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := stringList(json.RawMessage(tt.raw))
			if (err == nil) != tt.ok || !slices.Equal(got, tt.want) {
				t.Fatalf("stringList(%s) = %v, %v", tt.raw, got, err)
			}
		})
	}
}

func TestOptionalString(t *testing.T) {
	raw := map[string]json.RawMessage{"s": json.RawMessage(`"x"`), "n": json.RawMessage(`null`), "num": json.RawMessage(`1`), "list": json.RawMessage(`["x"]`)}
	for name, want := range map[string]string{"s": "x", "n": "", "missing": ""} {
		if got, err := optionalString(raw, name); err != nil || got != want {
			t.Errorf("optionalString(%s) = %q, %v", name, got, err)
		}
	}
	for _, name := range []string{"num", "list"} {
		if _, err := optionalString(raw, name); err == nil {
			t.Errorf("optionalString(%s) accepted a non-string", name)
		}
	}
}

func TestIdentityFor(t *testing.T) {
	roles, err := normalizeRoles([]Role{
		{Name: "support", Groups: []string{"support"}, Scopes: []string{"read"}},
		{Name: "operations", Groups: []string{"customer-ops", "ops"}, Scopes: []string{"pii", "write"}},
		{Name: "oncall", Groups: []string{"sec-oncall"}, Scopes: []string{"write"}, BreakGlass: 90 * time.Minute},
	})
	if err != nil {
		t.Fatal(err)
	}
	agent := store.Agent{Subject: "s"}
	if _, ok := identityFor(agent, []string{"Support", "nobody"}, roles); ok {
		t.Fatal("groups matched case-insensitively or without a role")
	}
	id, ok := identityFor(agent, []string{"sec-oncall", "support"}, roles)
	if !ok || !slices.Equal(id.Roles, []string{"support", "oncall"}) || !slices.Equal(id.Scopes, []string{"read", "write"}) || id.BreakGlass != 90*60e9 {
		t.Fatalf("identity = %+v", id)
	}
	id, _ = identityFor(agent, []string{"ops"}, roles)
	if !slices.Equal(id.Scopes, []string{"read", "write", "pii"}) || id.BreakGlass != 0 {
		t.Fatalf("identity = %+v", id)
	}
}
