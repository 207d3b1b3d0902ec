package testkit_test

import (
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// TestParseConsoleReadsTheRows checks the console parser against the
// page's shape: the form token, one row per tenant with its scopes, and
// the tenant the agent is in.
func TestParseConsoleReadsTheRows(t *testing.T) {
	body := `<h1>You are in tenant acme &amp; co</h1>
<form><input type="hidden" name="csrf" value="c&amp;1"></form>
<table>
<tr>
  <td><b>acme &amp; co</b> <small>until Friday</small></td>
  <td class="scopes"><span class="scope">read</span> <span class="scope">pii</span></td>
</tr>
<tr><td><b>globex</b></td><td></td></tr>
</table>`
	c := testkit.ParseConsole(t, body)
	want := map[string][]string{"acme & co": {"read", "pii"}, "globex": {}}
	if c.CSRF != "c&1" || c.Current != "acme & co" || !maps.EqualFunc(c.Tenants, want, slices.Equal) {
		t.Fatalf("parsed %+v", c)
	}
}

// TestLockboxHeadersFoldsNames checks the header reader sees every
// spelling of the prefix and nothing else, and lists cookie names sorted.
func TestLockboxHeadersFoldsNames(t *testing.T) {
	h := http.Header{"X-Lockbox-Tenant": {"acme"}, "X_lockbox.Scopes": {"read", "pii"}, "X-Other": {"x"},
		"Cookie": {"b=1; a=2"}}
	got := testkit.LockboxHeaders(h)
	if want := map[string]string{"x-lockbox-tenant": "acme", "x-lockbox-scopes": "read,pii"}; !maps.Equal(got, want) {
		t.Fatalf("headers %v, want %v", got, want)
	}
	if names := testkit.CookieNames(h); !slices.Equal(names, []string{"a", "b"}) {
		t.Fatalf("cookie names %v", names)
	}
}
