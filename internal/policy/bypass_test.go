package policy

import (
	"bufio"
	"net/http"
	"strings"
	"testing"
)

// testRules are the deny rules of the example Caddyfile.
var testRules = Rules{
	{Method: "*", Pattern: "/settings/billing*"},
	{Method: "DELETE", Pattern: "/api/account*"},
}

// readTarget parses a request line as Caddy's server does, returning what
// the handler will see, or ok=false if Go refuses the request itself.
func readTarget(t *testing.T, method, target string) (raw, path string, ok bool) {
	t.Helper()
	line := method + " " + target + " HTTP/1.1\r\nHost: app.test\r\n\r\n"
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(line)))
	if err != nil {
		return "", "", false
	}
	return req.URL.EscapedPath(), req.URL.Path, true
}

// verdict runs a request through CheckPath and Decide, as the handler will.
func verdict(t *testing.T, scopes []string, method, target string) string {
	t.Helper()
	raw, path, ok := readTarget(t, method, target)
	if !ok {
		return "refused by server"
	}
	clean, err := CheckPath(raw, path)
	if err != nil {
		return CodeAmbiguousPath
	}
	d := Decide(scopes, method, clean, testRules)
	if d.Allowed() {
		return "allowed"
	}
	return d.Code
}

func TestBypassAttempts(t *testing.T) {
	const (
		allowed = "allowed"
		blocked = CodeBlocked
		bad     = CodeAmbiguousPath
		readO   = CodeReadOnly
	)
	rw := []string{"read", "write"}
	ro := []string{"read"}
	tests := []struct {
		name   string
		scopes []string
		method string
		target string
		want   string
	}{
		{"plain", rw, "GET", "/settings/billing", blocked},
		{"below prefix", rw, "GET", "/settings/billing/invoices", blocked},
		{"prefix runs into the segment as in Caddy", rw, "GET", "/settings/billingfoo", blocked},
		{"trailing slash", rw, "GET", "/settings/billing/", blocked},
		{"trailing dot", rw, "GET", "/settings/billing.", bad},
		{"segment ending in a dot", rw, "GET", "/settings./billing", bad},
		{"segment ending in an encoded dot", rw, "GET", "/settings%2e/billing", bad},
		{"segment ending in an encoded space", rw, "GET", "/settings%20/billing", bad},
		{"segment ending in a tab", rw, "GET", "/settings%09/billing", bad},
		{"segment ending in a no-break space", rw, "GET", "/settings%C2%A0/billing", bad},
		{"query string", rw, "GET", "/settings/billing?tab=1", blocked},
		{"absolute form", rw, "GET", "http://app.test/settings/billing", blocked},
		{"neighbour page", rw, "GET", "/settings/profile", allowed},
		{"upper case", rw, "GET", "/SETTINGS/BILLING", blocked},
		{"mixed case", rw, "GET", "/Settings/Billing", blocked},
		{"encoded letter", rw, "GET", "/settings/%62illing", blocked},
		{"encoded first letter", rw, "GET", "/%73ettings/billing", blocked},
		{"encoded inner letter", rw, "GET", "/settings/bill%69ng", blocked},
		{"fully encoded segment", rw, "GET", "/settings/%62%69%6c%6c%69%6e%67", blocked},
		{"encoded upper case", rw, "GET", "/settings/%42ILLING", blocked},
		{"HEAD", rw, "HEAD", "/settings/billing", blocked},
		{"POST", rw, "POST", "/settings/billing", blocked},
		{"double slash inside", rw, "GET", "/settings//billing", bad},
		{"double slash first", rw, "GET", "//settings/billing", bad},
		{"dot segment", rw, "GET", "/settings/./billing", bad},
		{"dot dot segment", rw, "GET", "/x/../settings/billing", bad},
		{"trailing dot dot", rw, "GET", "/settings/billing/..", bad},
		{"encoded dot", rw, "GET", "/settings/%2e/billing", bad},
		{"encoded dot dot", rw, "GET", "/x/%2e%2e/settings/billing", bad},
		{"mixed case encoded dot dot", rw, "GET", "/x/%2E%2e/settings/billing", bad},
		{"half encoded dot dot", rw, "GET", "/x/.%2e/settings/billing", bad},
		{"encoded slash", rw, "GET", "/settings%2fbilling", bad},
		{"encoded slash upper", rw, "GET", "/settings%2Fbilling", bad},
		{"encoded backslash", rw, "GET", "/settings%5cbilling", bad},
		{"encoded backslash upper", rw, "GET", "/settings%5Cbilling", bad},
		{"literal backslash", rw, "GET", `/settings\billing`, bad},
		{"path parameter after", rw, "GET", "/settings/billing;x", bad},
		{"path parameter inside", rw, "GET", "/settings;x/billing", bad},
		{"encoded semicolon", rw, "GET", "/settings%3bx/billing", bad},
		{"encoded NUL", rw, "GET", "/settings/billing%00", bad},
		{"encoded NUL inside", rw, "GET", "/settings%00/billing", bad},
		{"encoded newline", rw, "GET", "/settings/billing%0a", bad},
		{"encoded tab", rw, "GET", "/settings/%09billing", bad},
		{"encoded DEL", rw, "GET", "/settings/billing%7f", bad},
		{"double encoded letter", rw, "GET", "/settings/%2562illing", bad},
		{"double encoded slash", rw, "GET", "/settings%252fbilling", bad},
		{"double encoded dot", rw, "GET", "/x/%252e%252e/settings/billing", bad},
		{"overlong slash", rw, "GET", "/settings%c0%afbilling", bad},
		{"overlong dot", rw, "GET", "/x/%c0%ae%c0%ae/settings/billing", bad},
		{"lone continuation byte", rw, "GET", "/settings/%80billing", bad},
		{"zero width space", rw, "GET", "/settings/%e2%80%8bbilling", bad},
		{"fullwidth letter", rw, "GET", "/settings/%ef%bd%82illing", bad},
		{"fullwidth slash", rw, "GET", "/settings%ef%bc%8fbilling", bad},
		{"long s folds to s", rw, "GET", "/%c5%bfettings/billing", bad},
		{"dotless i upper cases to I", rw, "GET", "/settings/bill%c4%b1ng", bad},
		{"one dot leader", rw, "GET", "/x/%e2%80%a5/settings/billing", bad},
		{"C1 control", rw, "GET", "/settings/%c2%85billing", bad},
		{"invalid escape", rw, "GET", "/settings/billing%zz", "refused by server"},
		{"truncated escape", rw, "GET", "/settings/billing%2", "refused by server"},
		{"asterisk form", rw, "OPTIONS", "*", bad},
		{"delete account", rw, "DELETE", "/api/account", blocked},
		{"delete below account", rw, "DELETE", "/api/account/42", blocked},
		{"delete accounts, a prefix as in Caddy", rw, "DELETE", "/api/accounts", blocked},
		{"lowercase delete", rw, "delete", "/api/account/42", blocked},
		{"mixed case delete", rw, "DeLeTe", "/api/account", blocked},
		{"POST may carry _method=DELETE", rw, "POST", "/api/account/42", blocked},
		{"upper case path", rw, "DELETE", "/API/ACCOUNT", blocked},
		{"encoded letter in account", rw, "DELETE", "/api/%61ccount", blocked},
		{"double slash in api", rw, "DELETE", "/api//account", bad},
		{"dot in api", rw, "DELETE", "/api/./account", bad},
		{"dot dot before api", rw, "DELETE", "/x/../api/account", bad},
		{"encoded slash in api", rw, "DELETE", "/api%2faccount", bad},
		{"encoded slash after account", rw, "DELETE", "/api/account%2f42", bad},
		{"put account", rw, "PUT", "/api/account/42", allowed},
		{"get account", rw, "GET", "/api/account/42", allowed},
		{"delete elsewhere", rw, "DELETE", "/api/other", allowed},
		{"unicode slug", rw, "GET", "/docs/caf%C3%A9", allowed},
		{"encoded space", rw, "GET", "/docs/a%20b", allowed},
		{"encoded question mark", rw, "GET", "/docs/a%3Fb", allowed},
		{"read only GET", ro, "GET", "/notes", allowed},
		{"read only OPTIONS", ro, "OPTIONS", "/notes", allowed},
		{"read only POST", ro, "POST", "/notes", readO},
		{"read only PATCH", ro, "PATCH", "/notes/1", readO},
		{"read only lowercase get", ro, "get", "/notes", readO},
		{"read only unknown method", ro, "PROPFIND", "/notes", readO},
		{"read only deny comes first", ro, "POST", "/settings/billing", blocked},
		{"no scopes", nil, "GET", "/notes", CodeNoAccess},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := verdict(t, tt.scopes, tt.method, tt.target); got != tt.want {
				t.Errorf("%s %s with %v: got %s, want %s", tt.method, tt.target, tt.scopes, got, tt.want)
			}
		})
	}
}
