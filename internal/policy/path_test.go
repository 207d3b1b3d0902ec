package policy

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckPath(t *testing.T) {
	tests := []struct {
		name   string
		raw    string
		path   string
		reason string // a word of the refusal; empty means accepted
	}{
		{name: "root", raw: "/", path: "/"},
		{name: "plain", raw: "/a/b", path: "/a/b"},
		{name: "trailing slash", raw: "/a/", path: "/a/"},
		{name: "no escapes given", raw: "", path: "/a/b"},
		{name: "decoded letter", raw: "/%61", path: "/a"},
		{name: "upper and lower hex", raw: "/%C3%a9", path: "/é"},
		{name: "dots inside a name", raw: "/a.b/..c/d..e", path: "/a.b/..c/d..e"},
		{name: "encoded dot inside a name", raw: "/file%2ehtml", path: "/file.html"},
		{name: "percent not followed by hex twice", raw: "/100%25", path: "/100%"},
		{name: "percent and one hex", raw: "/a%252", path: "/a%2"},
		{name: "brackets", raw: "/a[1]", path: "/a[1]"},
		{name: "sub-delims", raw: "/a!$&'()*+,=:@~", path: "/a!$&'()*+,=:@~"},
		{name: "empty", raw: "", path: "", reason: "slash"},
		{name: "relative", raw: "a/b", path: "a/b", reason: "slash"},
		{name: "relative decoded only", raw: "", path: "a", reason: "slash"},
		{name: "asterisk", raw: "*", path: "*", reason: "slash"},
		{name: "decoding differs", raw: "/a%62", path: "/ac", reason: "match"},
		{name: "decoding longer", raw: "/ab", path: "/a", reason: "match"},
		{name: "decoding shorter", raw: "/a", path: "/ab", reason: "match"},
		{name: "escape at end", raw: "/a%", path: "/a%", reason: "invalid percent"},
		{name: "escape one digit", raw: "/a%4", path: "/a%4", reason: "invalid percent"},
		{name: "escape not hex", raw: "/a%g0", path: "/a%g0", reason: "invalid percent"},
		{name: "encoded slash", raw: "/a%2fb", path: "/a/b", reason: "%2F"},
		{name: "encoded backslash", raw: "/a%5cb", path: `/a\b`, reason: "backslash"},
		{name: "raw backslash", raw: `/a\b`, path: `/a\b`, reason: "backslash"},
		{name: "decoded backslash, no escapes given", raw: "", path: `/a\b`, reason: "backslash"},
		{name: "raw NUL", raw: "/a\x00", path: "/a\x00", reason: "control"},
		{name: "encoded NUL", raw: "/a%00", path: "/a\x00", reason: "control"},
		{name: "encoded CR", raw: "/a%0D", path: "/a\r", reason: "control"},
		{name: "raw space", raw: "/a b", path: "/a b", reason: "percent-encoded"},
		{name: "raw question mark", raw: "/a?b", path: "/a?b", reason: "percent-encoded"},
		{name: "raw hash", raw: "/a#b", path: "/a#b", reason: "percent-encoded"},
		{name: "semicolon", raw: "/a;b", path: "/a;b", reason: "semicolon"},
		{name: "double encoding", raw: "/%2541", path: "/%41", reason: "twice"},
		{name: "double encoding, no escapes given", raw: "", path: "/%2f", reason: "twice"},
		{name: "empty segment", raw: "/a//b", path: "/a//b", reason: "empty segment"},
		{name: "empty segment at end", raw: "/a//", path: "/a//", reason: "empty segment"},
		{name: "dot", raw: "/.", path: "/.", reason: "dot segment"},
		{name: "dot dot", raw: "/..", path: "/..", reason: "dot segment"},
		{name: "dot dot then slash", raw: "/a/../", path: "/a/../", reason: "dot segment"},
		{name: "encoded dot dot", raw: "/%2E%2e/", path: "/../", reason: "dot segment"},
		{name: "invalid UTF-8", raw: "/%ff", path: "/\xff", reason: "UTF-8"},
		{name: "overlong NUL", raw: "/%c0%80", path: "/\xc0\x80", reason: "UTF-8"},
		{name: "surrogate half", raw: "/%ed%a0%80", path: "/\xed\xa0\x80", reason: "UTF-8"},
		{name: "byte order mark", raw: "/%ef%bb%bfa", path: "/\ufeffa", reason: "invisible"},
		{name: "right-to-left override", raw: "/%e2%80%aea", path: "/\u202ea", reason: "invisible"},
		{name: "Kelvin sign", raw: "/%e2%84%aa", path: "/\u212a", reason: "ASCII"},
		{name: "dotted capital I", raw: "/%c4%b0", path: "/\u0130", reason: "ASCII"},
		{name: "fullwidth full stop", raw: "/%ef%bc%8e%ef%bc%8e", path: "/\uff0e\uff0e", reason: "ASCII"},
		{name: "division slash", raw: "/a%e2%88%95b", path: "/a\u2215b", reason: "ASCII"},
		{name: "two dot leader", raw: "/%e2%80%a5", path: "/\u2025", reason: "ASCII"},
		{name: "non-ASCII letters stay", raw: "/%CE%A3%CF%83", path: "/Σσ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clean, err := CheckPath(tt.raw, tt.path)
			if tt.reason == "" {
				if err != nil || clean != tt.path {
					t.Fatalf("CheckPath(%q, %q) = %q, %v; want %q accepted", tt.raw, tt.path, clean, err, tt.path)
				}
				return
			}
			var pe *PathError
			if !errors.As(err, &pe) || !strings.Contains(pe.Reason, tt.reason) {
				t.Fatalf("CheckPath(%q, %q) = %q, %v; want a PathError about %q", tt.raw, tt.path, clean, err, tt.reason)
			}
			if clean != "" {
				t.Errorf("refused path returned %q", clean)
			}
		})
	}
}

func TestPathErrorDecision(t *testing.T) {
	_, err := CheckPath("/a%2fb", "/a/b")
	var pe *PathError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v", err)
	}
	d := pe.Decision()
	if d.Allowed() || d.Code != CodeAmbiguousPath || !strings.Contains(d.Message, "encoded slash") {
		t.Fatalf("Decision = %+v", d)
	}
	if strings.Contains(d.Message, "/a") {
		t.Errorf("message quotes the path: %q", d.Message)
	}
}

func TestCheckPathAllocs(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := CheckPath("/settings/%62illing/caf%C3%A9", "/settings/billing/café"); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("CheckPath allocated %v times for an accepted path", allocs)
	}
}

func BenchmarkCheckPath(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CheckPath("/settings/%62illing/caf%C3%A9", "/settings/billing/café"); err != nil {
			b.Fatal(err)
		}
	}
}
