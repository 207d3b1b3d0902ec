package policy

import (
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/problem"
)

func TestParseRule(t *testing.T) {
	tests := []struct {
		method, pattern string
		want            Rule
		bad             string // a word of the error
	}{
		{method: "*", pattern: "/settings/billing*", want: Rule{"*", "/settings/billing*"}},
		{method: "DELETE", pattern: "/api/account*", want: Rule{"DELETE", "/api/account*"}},
		{method: "delete", pattern: "/API/Account", want: Rule{"DELETE", "/API/Account"}},
		{method: "PROPFIND", pattern: "*.pdf", want: Rule{"PROPFIND", "*.pdf"}},
		{method: "GET", pattern: "*", want: Rule{"GET", "*"}},
		{method: "GET", pattern: "/api/*/keys", want: Rule{"GET", "/api/*/keys"}},
		{method: "GET", pattern: "/files/café*", want: Rule{"GET", "/files/café*"}},
		{method: "", pattern: "/a", bad: "method"},
		{method: "DEL ETE", pattern: "/a", bad: "method"},
		{method: "M-SEARCH", pattern: "/a", bad: "method"},
		{method: "GET1", pattern: "/a", bad: "method"},
		{method: "**", pattern: "/a", bad: "method"},
		{method: "GTE", pattern: "/reports*", bad: `invalid deny method "GTE": use * or one of GET HEAD`},
		{method: "BREW", pattern: "/a", bad: "method"},
		{method: "DELETES", pattern: "/a", bad: "method"},
		{method: "get", pattern: "/a", want: Rule{"GET", "/a"}},
		{method: "Unlock", pattern: "/a", want: Rule{"UNLOCK", "/a"}},
		{method: "CONNECT", pattern: "*", want: Rule{"CONNECT", "*"}},
		{method: "GET", pattern: "", bad: "empty"},
		{method: "GET", pattern: "settings", bad: "start"},
		{method: "GET", pattern: "/a b", bad: "space"},
		{method: "GET", pattern: "/a\x00", bad: "control"},
		{method: "GET", pattern: "/settings%2fbilling", bad: "decoded"},
		{method: "GET", pattern: "/a?b=1", bad: "decoded"},
		{method: "GET", pattern: "/a[bc]", bad: "wildcard"},
		{method: "GET", pattern: `/a\b`, bad: "decoded"},
		{method: "GET", pattern: "/{env.X}", bad: "decoded"},
		{method: "GET", pattern: "/a;b", bad: "decoded"},
		{method: "GET", pattern: "/a//b", bad: "empty segment"},
		{method: "GET", pattern: "/a/../b", bad: "dot segment"},
		{method: "GET", pattern: "/a/.", bad: "dot segment"},
		{method: "GET", pattern: "/\xff", bad: "UTF-8"},
		{method: "GET", pattern: "/" + strings.Repeat("a", 1024), bad: "longer"},
	}
	for _, tt := range tests {
		got, err := ParseRule(tt.method, tt.pattern)
		if tt.bad == "" {
			if err != nil || got != tt.want {
				t.Errorf("ParseRule(%q, %q) = %v, %v; want %v", tt.method, tt.pattern, got, err, tt.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.bad) || problem.Status(err) != 400 {
			t.Errorf("ParseRule(%q, %q) = %v, %v; want a 400 problem about %q", tt.method, tt.pattern, got, err, tt.bad)
		}
	}
}

func TestPatternMatches(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"/a/b", "/a/b", true},
		{"/a/b", "/a/b/", false},
		{"/a/b", "/a/bc", false},
		{"/A/B", "/a/b", true},
		{"/a/b", "/A/b", true},
		{"/foo*", "/foo", true},
		{"/foo*", "/foo/", true},
		{"/foo*", "/foo/bar", true},
		{"/foo*", "/foobar", true},
		{"/foo/*", "/foo", false},
		{"/foo/*", "/foobar", false},
		{"/foo/*", "/foo/bar/baz", true},
		{"*.pdf", "/a/b.pdf", true},
		{"*.pdf", "/a/b.PDF", true},
		{"*.pdf", "/a/b.pdfx", false},
		{"*/export/*", "/t/export/csv", true},
		{"*/export/*", "/t/exports/csv", false},
		{"*export*", "/t/exports/csv", true},
		{"/api/*/keys", "/api/v1/keys", true},
		{"/api/*/keys", "/api/v1/x/keys", false},
		{"/api/*/keys", "/api//keys", true},
		{"/api/*/keys", "/api/v1/keys/", false},
		{"/api/v*/keys/*", "/api/v2/keys/9", true},
		{"/api/v*/keys/*", "/api/v2/keys/9/x", false},
		{"/a/*b*c", "/a/xbyc", true},
		{"/a/*b*c", "/a/xbyd", false},
		{"/a/*b*c", "/a/bc", true},
		{"/*/*", "/x/y", true},
		{"/*/*", "/x", false},
		{"*", "/anything/at/all", true},
		{"**", "/x", true},
		{"/café*", "/CAFÉ/menu", true},
		{"", "/", false},
	}
	for _, tt := range tests {
		rs := Rules{{Method: "*", Pattern: tt.pattern}}
		if _, got := rs.Match("GET", tt.path); got != tt.want {
			t.Errorf("pattern %q on %q = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
}

func TestMethodMatches(t *testing.T) {
	tests := []struct {
		rule, method string
		want         bool
	}{
		{"*", "GET", true},
		{"*", "BREW", true},
		{"DELETE", "DELETE", true},
		{"DELETE", "delete", true},
		{"DELETE", "GET", false},
		{"DELETE", "POST", true},
		{"PUT", "POST", true},
		{"PATCH", "post", true},
		{"GET", "HEAD", true},
		{"GET", "head", true},
		{"GET", "POST", false},
		{"HEAD", "GET", false},
		{"POST", "PUT", false},
		{"POST", "DELETE", false},
		{"OPTIONS", "POST", false},
	}
	for _, tt := range tests {
		rs := Rules{{Method: tt.rule, Pattern: "/a"}}
		if _, got := rs.Match(tt.method, "/a"); got != tt.want {
			t.Errorf("rule %s on %s = %v, want %v", tt.rule, tt.method, got, tt.want)
		}
	}
}

func TestRulesMatchFirst(t *testing.T) {
	rs := Rules{{"DELETE", "/api/*"}, {"*", "/api/keys"}}
	if r, ok := rs.Match("DELETE", "/api/keys"); !ok || r != rs[0] {
		t.Errorf("Match = %v, %v; want the first rule", r, ok)
	}
	if r, ok := rs.Match("GET", "/api/keys"); !ok || r != rs[1] {
		t.Errorf("Match = %v, %v; want the second rule", r, ok)
	}
	if _, ok := Rules(nil).Match("GET", "/"); ok {
		t.Error("empty rules matched")
	}
}

func TestRuleString(t *testing.T) {
	if s := (Rule{"DELETE", "/api/account*"}).String(); s != "DELETE /api/account*" {
		t.Errorf("String = %q", s)
	}
}
