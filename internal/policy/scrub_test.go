package policy

import (
	"net/http"
	"slices"
	"testing"
)

// browserHeaders is a realistic browser request: 12 headers.
func browserHeaders() http.Header {
	return http.Header{
		"Host":            {"app.example.com"},
		"User-Agent":      {"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"},
		"Accept":          {"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
		"Accept-Language": {"en-US,en;q=0.5"},
		"Accept-Encoding": {"gzip, deflate, br, zstd"},
		"Referer":         {"https://app.example.com/dashboard"},
		"Cookie":          {"session=3f9a1c; theme=dark; _ga=GA1.2.1234567890.1700000000"},
		"Connection":      {"keep-alive"},
		"Sec-Fetch-Dest":  {"document"},
		"Sec-Fetch-Mode":  {"navigate"},
		"Sec-Fetch-Site":  {"same-origin"},
		"Priority":        {"u=0, i"},
	}
}

func TestScrub(t *testing.T) {
	tests := []struct {
		name   string
		header string
		gone   bool
	}{
		{"canonical", "X-Lockbox-Tenant", true},
		{"lower case", "x-lockbox-tenant", true},
		{"upper case", "X-LOCKBOX-TOKEN", true},
		{"underscores", "X_Lockbox_Agent", true},
		{"dots", "X.LOCKBOX.Token", true},
		{"mixed separators and case", "x-LoCkBoX_scopes", true},
		{"underscore after prefix", "X-Lockbox_Break_Glass", true},
		{"prefix alone", "X-Lockbox-", true},
		{"unknown suffix", "X-Lockbox-Anything-Else", true},
		{"no separator after prefix", "X-LockboxTenant", false},
		{"other x header", "X-Request-Id", false},
		{"similar name", "X-Lock-Box-Tenant", false},
		{"prefix inside", "Y-X-Lockbox-Tenant", false},
		{"ordinary", "X-Forwarded-For", false},
	}
	s, err := NewScrubber("")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := browserHeaders()
			h[tt.header] = []string{"spoofed"}
			removed := s.Scrub(h)
			_, present := h[tt.header]
			if present == tt.gone {
				t.Fatalf("%s present after Scrub: %v", tt.header, present)
			}
			want := 0
			if tt.gone {
				want = 1
			}
			if removed != want {
				t.Errorf("removed = %d, want %d", removed, want)
			}
			if len(h) != 13-want {
				t.Errorf("other headers touched: %v", h)
			}
		})
	}
}

func TestScrubConnection(t *testing.T) {
	tests := []struct {
		name    string
		values  []string
		want    []string // nil: Connection deleted
		removed int
	}{
		{"ordinary", []string{"keep-alive"}, []string{"keep-alive"}, 0},
		{"names our header", []string{"X-Lockbox-PII"}, nil, 1},
		{"among others", []string{"keep-alive, x_lockbox_token ,Upgrade"}, []string{"keep-alive, Upgrade"}, 1},
		{"several values", []string{"X-Lockbox-Tenant", "close"}, []string{"close"}, 1},
		{"two of ours", []string{"X-Lockbox-Tenant,X-LOCKBOX-Agent"}, nil, 2},
		{"empty tokens", []string{" , ,keep-alive"}, []string{" , ,keep-alive"}, 0},
	}
	s := &Scrubber{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{"Connection": slices.Clone(tt.values)}
			if removed := s.Scrub(h); removed != tt.removed {
				t.Errorf("removed = %d, want %d", removed, tt.removed)
			}
			if got := h["Connection"]; !slices.Equal(got, tt.want) {
				t.Errorf("Connection = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewScrubber(t *testing.T) {
	tests := []struct {
		prefix string
		folded string
		bad    bool
	}{
		{prefix: "", folded: "x-lockbox-"},
		{prefix: "X-Acme-", folded: "x-acme-"},
		{prefix: "X_Acme.", folded: "x-acme-"},
		{prefix: "X Acme", bad: true},
		{prefix: "X-Acme:", bad: true},
		{prefix: "X-Äcme-", bad: true},
		{prefix: string(make([]byte, 65)), bad: true},
	}
	for _, tt := range tests {
		s, err := NewScrubber(tt.prefix)
		if (err != nil) != tt.bad {
			t.Errorf("NewScrubber(%q) error = %v, want bad=%v", tt.prefix, err, tt.bad)
			continue
		}
		if err == nil && s.Prefix() != tt.folded {
			t.Errorf("NewScrubber(%q).Prefix() = %q, want %q", tt.prefix, s.Prefix(), tt.folded)
		}
	}
}

func TestScrubCustomPrefix(t *testing.T) {
	s, err := NewScrubber("X-Acme-")
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{"X-Acme-Tenant": {"a"}, "X_acme_agent": {"b"}, "X-Lockbox-Tenant": {"c"}}
	if removed := s.Scrub(h); removed != 2 || len(h) != 1 {
		t.Fatalf("removed %d, left %v", removed, h)
	}
}

func TestScrubZeroValueIsDefault(t *testing.T) {
	if foldName(DefaultPrefix) != defaultFolded {
		t.Fatalf("defaultFolded = %q, want %q", defaultFolded, foldName(DefaultPrefix))
	}
	h := browserHeaders()
	h["X-Lockbox-Tenant"] = []string{"acme"}
	var s Scrubber
	if removed := s.Scrub(h); removed != 1 || len(h) != 12 {
		t.Fatalf("zero Scrubber removed %d, left %d headers", removed, len(h))
	}
}

func TestScrubAllocs(t *testing.T) {
	s := &Scrubber{}
	h := browserHeaders()
	if allocs := testing.AllocsPerRun(100, func() { s.Scrub(h) }); allocs != 0 {
		t.Fatalf("Scrub allocated %v times with nothing to remove", allocs)
	}
	if allocs := testing.AllocsPerRun(100, func() {
		h["X-Lockbox-Tenant"] = h["Host"]
		s.Scrub(h)
	}); allocs != 0 {
		t.Fatalf("Scrub allocated %v times removing a header", allocs)
	}
}

func TestStripMethodOverride(t *testing.T) {
	tests := []struct {
		header string
		gone   bool
	}{
		{"X-HTTP-Method-Override", true},
		{"X-Http-Method-Override", true},
		{"x-http-method-override", true},
		{"X_HTTP_Method_Override", true},
		{"X.Http.Method.Override", true},
		{"X-HTTP-Method", true},
		{"x_http_method", true},
		{"X-Method-Override", true},
		{"X-METHOD_OVERRIDE", true},
		{"X-HTTP-Methods", false},
		{"X-HTTP-Method-Override-2", false},
		{"Method-Override", false},
	}
	for _, tt := range tests {
		h := http.Header{tt.header: {"DELETE"}, "Accept": {"*/*"}}
		StripMethodOverride(h)
		if _, present := h[tt.header]; present == tt.gone {
			t.Errorf("%s present after StripMethodOverride: %v", tt.header, present)
		}
		if _, ok := h["Accept"]; !ok {
			t.Errorf("%s: Accept removed", tt.header)
		}
	}
}

func BenchmarkScrub(b *testing.B) {
	s := &Scrubber{}
	b.Run("clean", func(b *testing.B) {
		h := browserHeaders()
		b.ReportAllocs()
		for b.Loop() {
			s.Scrub(h)
		}
	})
	b.Run("spoofed", func(b *testing.B) {
		h := browserHeaders()
		spoof := []string{"acme"}
		b.ReportAllocs()
		for b.Loop() {
			// Re-adding the three headers is part of the measured cost.
			h["X-Lockbox-Tenant"] = spoof
			h["X_Lockbox_Agent"] = spoof
			h["x-lockbox-scopes"] = spoof
			if s.Scrub(h) != 3 {
				b.Fatal("not scrubbed")
			}
		}
	})
	b.Run("connection", func(b *testing.B) {
		h := browserHeaders()
		spoof := []string{"keep-alive, X-Lockbox-PII"}
		b.ReportAllocs()
		for b.Loop() {
			h["Connection"] = spoof
			s.Scrub(h)
		}
	})
}

func BenchmarkStripMethodOverride(b *testing.B) {
	h := browserHeaders()
	b.ReportAllocs()
	for b.Loop() {
		StripMethodOverride(h)
	}
}
