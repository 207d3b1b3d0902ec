package policy

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestUpgradeAllowed(t *testing.T) {
	tests := []struct {
		name   string
		header http.Header
		want   bool
	}{
		{"none", http.Header{}, true},
		{"websocket", http.Header{"Upgrade": {"websocket"}}, true},
		{"websocket any case", http.Header{"Upgrade": {"WebSocket"}}, true},
		{"empty", http.Header{"Upgrade": {""}}, true},
		{"empty tokens", http.Header{"Upgrade": {" , websocket ,"}}, true},
		{"h2c", http.Header{"Upgrade": {"h2c"}}, false},
		{"H2C", http.Header{"Upgrade": {"H2C"}}, false},
		{"h2c after websocket", http.Header{"Upgrade": {"websocket, h2c"}}, false},
		{"h2c on a second line", http.Header{"Upgrade": {"websocket", "h2c"}}, false},
		{"versioned websocket", http.Header{"Upgrade": {"websocket/13"}}, false},
		{"TLS", http.Header{"Upgrade": {"TLS/1.2"}}, false},
		{"HTTP/2.0", http.Header{"Upgrade": {"HTTP/2.0"}}, false},
		{"extended CONNECT websocket", http.Header{":protocol": {"websocket"}}, true},
		{"extended CONNECT other", http.Header{":protocol": {"connect-udp"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := UpgradeAllowed(tt.header); got != tt.want {
				t.Fatalf("UpgradeAllowed(%v) = %v, want %v", tt.header, got, tt.want)
			}
		})
	}
}

func TestIsWebSocket(t *testing.T) {
	tests := []struct {
		name   string
		method string
		header http.Header
		want   bool
	}{
		{"plain GET", http.MethodGet, http.Header{}, false},
		{"upgrade", http.MethodGet, http.Header{"Upgrade": {"websocket"}}, true},
		{"empty upgrade", http.MethodGet, http.Header{"Upgrade": {" , "}}, false},
		{"extended CONNECT", http.MethodConnect, http.Header{":protocol": {"websocket"}}, true},
		{":protocol without CONNECT", http.MethodGet, http.Header{":protocol": {"websocket"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &http.Request{Method: tt.method, Header: tt.header}
			if got := IsWebSocket(r); got != tt.want {
				t.Fatalf("IsWebSocket = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestUpgradeAllowedAllocs(t *testing.T) {
	h := browserHeaders()
	h["Upgrade"] = []string{"websocket"}
	if n := testing.AllocsPerRun(100, func() { UpgradeAllowed(h) }); n != 0 {
		t.Fatalf("UpgradeAllowed allocated %v times", n)
	}
}

func TestOwnOrigin(t *testing.T) {
	tests := []struct {
		name, origin, scheme, host string
		want                       bool
	}{
		{"same", "https://app.example", "https", "app.example", true},
		{"same with port", "http://127.0.0.1:8080", "http", "127.0.0.1:8080", true},
		{"default port in Host", "https://app.example", "https", "app.example:443", true},
		{"default port in Origin", "https://app.example:443", "https", "app.example", true},
		{"case", "HTTPS://App.Example", "https", "app.example", true},
		{"another site", "https://evil.example", "https", "app.example", false},
		{"null", "null", "https", "app.example", false},
		{"empty", "", "https", "app.example", false},
		{"another port", "https://app.example:8443", "https", "app.example", false},
		{"another scheme", "http://app.example", "https", "app.example", false},
		{"http default port on https", "https://app.example:80", "https", "app.example:80", true},
		{"suffix", "https://app.example.evil.example", "https", "app.example", false},
		{"subdomain", "https://a.app.example", "https", "app.example", false},
		{"path", "https://app.example/", "https", "app.example", false},
		{"query", "https://app.example?x", "https", "app.example", false},
		{"fragment", "https://app.example#x", "https", "app.example", false},
		{"user info", "https://evil@app.example", "https", "app.example", false},
		{"two values", "https://app.example, https://evil.example", "https", "app.example", false},
		{"opaque", "https:app.example", "https", "app.example", false},
		{"garbage", "%zz", "https", "app.example", false},
		{"no scheme", "//app.example", "https", "app.example", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := OwnOrigin(tt.origin, tt.scheme, tt.host); got != tt.want {
				t.Fatalf("OwnOrigin(%q, %q, %q) = %v, want %v", tt.origin, tt.scheme, tt.host, got, tt.want)
			}
		})
	}
}

func TestHasMethodParam(t *testing.T) {
	tests := []struct {
		query string
		want  bool
	}{
		{"", false},
		{"page=2", false},
		{"_method=DELETE", true},
		{"page=2&_method=PUT", true},
		{"_method", true},
		{"_method=", true},
		{"_METHOD=delete", true},
		{"_Method=PATCH", true},
		{"%5Fmethod=DELETE", true},
		{"%5fMETHOD=DELETE", true},
		{"%5F%6D%65%74%68%6F%64=DELETE", true},
		{"_method[]=DELETE", true},
		{"_method%5B%5D=DELETE", true},
		{"_method[x]=DELETE", true},
		{".method=DELETE", true},
		{"+method=DELETE", true},
		{"%20method=DELETE", true},
		{"[method=DELETE", true},
		{"x=1;_method=DELETE", true},
		{"x=1&&_method=DELETE", true},
		{"method=DELETE", false},
		{"x=_method", false},
		{"_methods=1", false},
		{"my_method=1", false},
		{"__method=1", false},
		{"_metho=1", false},
		{"_method%3D=1", false},
		{"%255Fmethod=DELETE", false},
		{"_meth%6Fd=DELETE", true},
		{"_method%", false},
	}
	for _, tt := range tests {
		if got := HasMethodParam(tt.query); got != tt.want {
			t.Errorf("HasMethodParam(%q) = %v, want %v", tt.query, got, tt.want)
		}
	}
}

func TestHasMethodParamAllocs(t *testing.T) {
	q := "page=2&sort=-created&filter%5Bstatus%5D=open&q=caf%C3%A9+au+lait"
	if n := testing.AllocsPerRun(100, func() { HasMethodParam(q) }); n != 0 {
		t.Fatalf("HasMethodParam allocated %v times", n)
	}
}

func TestStripAgentHeaders(t *testing.T) {
	tests := []struct {
		header string
		gone   bool
	}{
		{"X-Original-URL", true},
		{"X-Original-Url", true},
		{"x-original-url", true},
		{"X_Original_URL", true},
		{"X.Original.Url", true},
		{"X-Original-URI", true},
		{"X-Rewrite-URL", true},
		{"x_rewrite_url", true},
		{"X-Forwarded-Uri", true},
		{"X-Forwarded-Prefix", true},
		{"X_Forwarded_Prefix", true},
		{"X-Forwarded-Path", true},
		{"Forwarded", true},
		{"forwarded", true},
		{"X-HTTP-Method-Override", true},
		{"X_Method_Override", true},
		{"X_Forwarded_For", true},
		{"x.forwarded.host", true},
		{"X_Forwarded_Proto", true},
		{"X-Forwarded-For", false},
		{"X-Forwarded-Host", false},
		{"X-Forwarded-Proto", false},
		{"X-Forwarded-Port", false},
		{"X-Original-Path-Info", false},
		{"Forwarded-For", false},
		{"X-Request-Id", false},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			h := browserHeaders()
			h[tt.header] = []string{"/settings/billing"}
			StripAgentHeaders(h)
			if _, present := h[tt.header]; present == tt.gone {
				t.Fatalf("%s present after StripAgentHeaders: %v", tt.header, present)
			}
			if len(h) < len(browserHeaders()) {
				t.Fatalf("StripAgentHeaders removed other headers: %v", h)
			}
		})
	}
}

func TestScrubberNamesAndLists(t *testing.T) {
	s, err := NewScrubber("")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		names []string
		want  bool
	}{
		{nil, false},
		{[]string{"X-Checksum"}, false},
		{[]string{"X-Lockbox-Tenant"}, true},
		{[]string{"x_lockbox_scopes"}, true},
		{[]string{"X.LOCKBOX.PII"}, true},
		{[]string{"X-Checksum", "X-Lockbox-Token"}, true},
		{[]string{"X-LockboxTenant"}, false},
	}
	for _, tt := range tests {
		h := http.Header{}
		for _, n := range tt.names {
			h[n] = nil
		}
		if got := s.Names(h); got != tt.want {
			t.Errorf("Names(%v) = %v, want %v", tt.names, got, tt.want)
		}
		if got := s.Lists([]string{strings.Join(tt.names, " ,\t")}); got != tt.want {
			t.Errorf("Lists(%q) = %v, want %v", tt.names, got, tt.want)
		}
	}
}

// trailingSegments are paths with a segment that ends in a dot or a
// space, which IIS and some Java servers trim: raw as sent, path decoded.
var trailingSegments = [][2]string{
	{"/settings./billing", "/settings./billing"},
	{"/settings%2e/billing", "/settings./billing"},
	{"/settings%20/billing", "/settings /billing"},
	{"/settings.%20/billing", "/settings. /billing"},
	{"/settings%2e%2e%2e/billing", "/settings.../billing"},
	{"/settings%C2%A0/billing", "/settings\u00a0/billing"},
	{"/settings%E3%80%80/billing", "/settings\u3000/billing"},
	{"/settings/billing.", "/settings/billing."},
	{"/settings/billing%20", "/settings/billing "},
	{"/a/b..", "/a/b.."},
}

func TestCheckPathSegmentsEndingInDotOrSpace(t *testing.T) {
	for _, tt := range trailingSegments {
		_, err := CheckPath(tt[0], tt[1])
		var pe *PathError
		if !errors.As(err, &pe) || !strings.Contains(pe.Reason, "ends in a dot or a space") {
			t.Errorf("CheckPath(%q, %q) = %v, want refused for a trailing dot or space", tt[0], tt[1], err)
		}
	}
	for _, p := range []string{"/a.b/c", "/.well-known/x", "/v1.2/items", "/a%20b/c", "/..a/b"} {
		if _, err := CheckPath(p, strings.ReplaceAll(p, "%20", " ")); err != nil {
			t.Errorf("CheckPath(%q) = %v, want accepted", p, err)
		}
	}
}
