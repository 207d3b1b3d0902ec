package policy

import (
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/problem"
)

func TestSafe(t *testing.T) {
	tests := []struct {
		method string
		want   bool
	}{
		{"GET", true},
		{"HEAD", true},
		{"OPTIONS", true},
		{"TRACE", true},
		{"POST", false},
		{"PUT", false},
		{"PATCH", false},
		{"DELETE", false},
		{"CONNECT", false},
		{"PROPFIND", false},
		{"get", false},
		{"Head", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := Safe(tt.method); got != tt.want {
			t.Errorf("Safe(%q) = %v, want %v", tt.method, got, tt.want)
		}
	}
}

func TestDecide(t *testing.T) {
	tests := []struct {
		name     string
		scopes   []string
		method   string
		path     string
		code     string
		contains string // a phrase of the message
	}{
		{name: "read allowed", scopes: []string{"read"}, method: "GET", path: "/notes"},
		{name: "write allowed", scopes: []string{"read", "write"}, method: "DELETE", path: "/notes/1"},
		{name: "pii does not give write", scopes: []string{"read", "pii"}, method: "PUT", path: "/notes/1",
			code: CodeReadOnly, contains: "PUT request"},
		{name: "read only", scopes: []string{"read"}, method: "POST", path: "/notes",
			code: CodeReadOnly, contains: "read-only"},
		{name: "odd method not echoed", scopes: []string{"read"}, method: "<b>", path: "/notes",
			code: CodeReadOnly, contains: "this unusual request"},
		{name: "deny rule", scopes: []string{"read", "write"}, method: "GET", path: "/settings/billing",
			code: CodeBlocked, contains: "“* /settings/billing*”"},
		{name: "deny rule by override", scopes: []string{"read", "write"}, method: "POST", path: "/api/account",
			code: CodeBlocked, contains: "run a POST request as DELETE"},
		{name: "no scopes", scopes: nil, method: "GET", path: "/", code: CodeNoAccess, contains: "no scopes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decide(tt.scopes, tt.method, tt.path, testRules)
			if d.Code != tt.code || d.Allowed() != (tt.code == "") || !strings.Contains(d.Message, tt.contains) {
				t.Fatalf("Decide = %+v; want code %q with %q", d, tt.code, tt.contains)
			}
			if tt.code == CodeBlocked && d.Rule.Pattern == "" {
				t.Errorf("blocked without the rule: %+v", d)
			}
			err := d.Err()
			if tt.code == "" {
				if err != nil {
					t.Errorf("Err = %v for an allowed request", err)
				}
				return
			}
			if p := problem.As(err); p.Code != tt.code || problem.Status(err) != 403 || p.Message != d.Message {
				t.Errorf("Err = %+v", p)
			}
		})
	}
}

func BenchmarkDecide(b *testing.B) {
	scopes := []string{"read", "write"}
	b.ReportAllocs()
	for b.Loop() {
		if !Decide(scopes, "POST", "/api/notes/42", testRules).Allowed() {
			b.Fatal("refused")
		}
	}
}
