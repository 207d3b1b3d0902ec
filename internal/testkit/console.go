package testkit

import (
	"html"
	"regexp"
	"testing"
)

// Console is what the agent console shows.
type Console struct {
	CSRF    string
	Tenants map[string][]string // tenant -> the agent's effective scopes there
	Current string              // the tenant the agent is in, or ""
}

var (
	consoleCSRF    = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	consoleRow     = regexp.MustCompile(`(?s)<tr>\s*<td><b>([^<]+)</b>.*?</td>\s*<td[^>]*>(.*?)</td>`)
	consoleScope   = regexp.MustCompile(`<span class="scope">([^<]+)</span>`)
	consoleCurrent = regexp.MustCompile(`You are in tenant ([^<]+)</h1>`)
)

// ParseConsole reads the console page body; a page without a CSRF token
// fails the test.
func ParseConsole(t testing.TB, body string) Console {
	t.Helper()
	c := Console{CSRF: FormCSRF(t, body), Tenants: map[string][]string{}}
	for _, row := range consoleRow.FindAllStringSubmatch(body, -1) {
		scopes := []string{}
		for _, s := range consoleScope.FindAllStringSubmatch(row[2], -1) {
			scopes = append(scopes, s[1])
		}
		c.Tenants[html.UnescapeString(row[1])] = scopes
	}
	if m := consoleCurrent.FindStringSubmatch(body); m != nil {
		c.Current = html.UnescapeString(m[1])
	}
	return c
}

// FormCSRF is the CSRF token of the first form on a Lockbox page; a page
// without one fails the test.
func FormCSRF(t testing.TB, body string) string {
	t.Helper()
	m := consoleCSRF.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf token on the page: %.400s", body)
	}
	return html.UnescapeString(m[1])
}
