package policy

import (
	"net/textproto"
	"net/url"
	"path"
	"slices"
	"strings"
	"testing"
	"unicode"
)

func FuzzCheckPath(f *testing.F) {
	seeds := [][2]string{
		{"/", "/"},
		{"/settings/billing", "/settings/billing"},
		{"/settings/%62illing", "/settings/billing"},
		{"/settings%2fbilling", "/settings/billing"},
		{"/x/%2e%2e/settings", "/x/../settings"},
		{"/a%252f", "/a%2f"},
		{"/settings./billing", "/settings./billing"},
		{"/settings%20/billing", "/settings /billing"},
		{"/a;b", "/a;b"},
		{"/%c0%ae", "/\xc0\xae"},
		{"/caf%C3%A9", "/café"},
		{"", "/a\\b"},
		{"/a%", "/a%"},
		{"*", "*"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, raw, decoded string) {
		if clean, err := CheckPath(raw, decoded); err == nil {
			checkAccepted(t, raw, clean)
		}
		// The pair a real server hands the handler.
		u, err := url.ParseRequestURI(raw)
		if err != nil {
			return
		}
		if clean, err := CheckPath(u.EscapedPath(), u.Path); err == nil {
			checkAccepted(t, u.EscapedPath(), clean)
			// What the upstream receives decodes to the path rules saw.
			sent, err := url.ParseRequestURI(u.RequestURI())
			if err != nil || sent.Path != clean {
				t.Fatalf("upstream decodes %q (%v), rules saw %q", sent, err, clean)
			}
		}
	})
}

// checkAccepted asserts what CheckPath promises for an accepted path.
func checkAccepted(t *testing.T, raw, clean string) {
	t.Helper()
	if strings.Contains(strings.ToLower(raw), "%2f") {
		t.Fatalf("accepted an encoded slash: %q", raw)
	}
	for seg := range strings.SplitSeq(clean, "/") {
		if seg == "." || seg == ".." {
			t.Fatalf("accepted a dot segment: %q", clean)
		}
		if strings.TrimRightFunc(strings.TrimRight(seg, "."), unicode.IsSpace) != seg {
			t.Fatalf("accepted a segment ending in a dot or a space: %q", clean)
		}
	}
	if raw != "" {
		if got, err := url.PathUnescape(raw); err != nil || got != clean {
			t.Fatalf("%q decodes to %q (%v), CheckPath returned %q", raw, got, err, clean)
		}
	}
	// Encoding the result and decoding it again gives it back.
	enc := (&url.URL{Path: clean}).EscapedPath()
	if back, err := url.PathUnescape(enc); err != nil || back != clean {
		t.Fatalf("%q does not round-trip: %q, %v", clean, back, err)
	}
	if again, err := CheckPath(enc, clean); err != nil || again != clean {
		t.Fatalf("re-encoded %q refused: %v", enc, err)
	}
	// Caddy cleans paths before matching; an accepted path must not change.
	cleaned := path.Clean(clean)
	if strings.HasSuffix(clean, "/") && cleaned != "/" {
		cleaned += "/"
	}
	if cleaned != clean {
		t.Fatalf("Caddy-style cleaning changes %q to %q", clean, cleaned)
	}
}

func FuzzScrub(f *testing.F) {
	for _, s := range [][2]string{
		{"X-Lockbox-Tenant", "keep-alive"},
		{"x_lockbox_agent", "X-Lockbox-PII"},
		{"X.LOCKBOX.Token", "close, x_lockbox_token"},
		{"X-Lockbox", "X-Lockbox-Scopes ,\t, Upgrade"},
		{"Accept", ""},
	} {
		f.Add(s[0], s[1])
	}
	injected := []string{"X-Lockbox-Tenant", "X-Lockbox-Agent", "X-Lockbox-PII", "X-Lockbox-Token"}
	f.Fuzz(func(t *testing.T, name, connection string) {
		h := browserHeaders()
		h[name] = []string{"spoofed"}
		h["Connection"] = []string{connection}
		removed := (&Scrubber{}).Scrub(h)
		for k := range h {
			if strings.HasPrefix(asciiFold(k), "x-lockbox-") {
				t.Fatalf("%q survived", k)
			}
		}
		for k, v := range browserHeaders() {
			if k != name && k != "Connection" && !slices.Equal(h[k], v) {
				t.Fatalf("%s changed to %q", k, h[k])
			}
		}
		spoofed := strings.HasPrefix(asciiFold(name), "x-lockbox-")
		if _, present := h[name]; name != "Connection" && present == spoofed {
			t.Fatalf("%q present: %v", name, present)
		}
		if spoofed && removed == 0 {
			t.Fatalf("removed = 0 after removing %q", name)
		}
		// The handler then sets its headers and the proxy deletes what
		// Connection names: ours must survive.
		for _, k := range injected {
			h.Set(k, "set by lockbox")
		}
		for _, v := range h["Connection"] {
			for tok := range strings.SplitSeq(v, ",") {
				if tok = textproto.TrimString(tok); tok != "" {
					h.Del(tok)
				}
			}
		}
		for _, k := range injected {
			if h.Get(k) != "set by lockbox" {
				t.Fatalf("Connection %q strips %s", connection, k)
			}
		}
	})
}

// asciiFold lowercases ASCII letters and reads '_' and '.' as '-'.
func asciiFold(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case 'A' <= r && r <= 'Z':
			return r + 'a' - 'A'
		case r == '_' || r == '.':
			return '-'
		}
		return r
	}, s)
}

func FuzzGlobMatch(f *testing.F) {
	f.Add("/api/*/keys", "/api/v1/keys")
	f.Add("/a/*b*c", "/a/xbyc")
	f.Add("/*/*", "/x/y/z")
	f.Add("/a*b*", "/a/b")
	f.Fuzz(func(t *testing.T, pattern, p string) {
		if strings.ContainsAny(pattern, `[]\?`) {
			return
		}
		want, err := path.Match(pattern, p)
		if err != nil {
			return
		}
		if got := globMatch(pattern, p); got != want {
			t.Fatalf("globMatch(%q, %q) = %v, path.Match says %v", pattern, p, got, want)
		}
	})
}
