package login_test

import (
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/login"
)

func TestSafeReturnTo(t *testing.T) {
	const fallback = "/_lockbox/"
	tests := []struct {
		raw  string
		keep bool
	}{
		{"/", true},
		{"/ok", true},
		{"/ok?x=1", true},
		{"/ok#frag", true},
		{"/ok?x=1&y=%2F%2F#frag", true},
		{"/a/b/../c", true},
		{"/caf%C3%A9", true},
		{"/ok//double", true},
		{"", false},
		{"ok", false},
		{"./ok", false},
		{"//evil.com", false},
		{"///evil.com", false},
		{"/\\evil.com", false},
		{"\\/evil.com", false},
		{"/ok\\..\\evil", false},
		{"https://evil.com", false},
		{"http:/evil.com", false},
		{"javascript:alert(1)", false},
		{"/%2f%2fevil.com", false},
		{"/%2F%2Fevil.com", false},
		{"/%2fevil.com", false},
		{"/%5cevil.com", false},
		{"/%5Cevil.com", false},
		{"/ok/%5c", false},
		{"/%252f%252fevil.com", false},
		{"/%25252f%25252fevil.com", false},
		{"\t//evil.com", false},
		{"/\t/evil.com", false},
		{"/%09/evil.com", false},
		{"/\n/evil.com", false},
		{"/%0d%0aSet-Cookie:x=1", false},
		{" /ok", false},
		{"/o k", false},
		{"/\x00", false},
		{"/\x7f", false},
		{"/café", false},
		{"/100%", false},
		{"/" + strings.Repeat("a", 1023), true},
		{"/" + strings.Repeat("a", 1024), false},
	}
	for _, tt := range tests {
		want := fallback
		if tt.keep {
			want = tt.raw
		}
		if got := login.SafeReturnTo(tt.raw, fallback); got != want {
			t.Errorf("SafeReturnTo(%q) = %q, want %q", tt.raw, got, want)
		}
	}
}

func FuzzSafeReturnTo(f *testing.F) {
	for _, s := range []string{"/ok", "//evil.com", "/%2f%2fevil", "/\\evil", "https://x", "/a?b#c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got := login.SafeReturnTo(raw, "")
		if got == "" {
			return
		}
		if got != raw || got[0] != '/' || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\t\r\n") {
			t.Fatalf("SafeReturnTo(%q) kept %q", raw, got)
		}
	})
}
