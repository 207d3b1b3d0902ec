package login_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/devidp"
	"github.com/lockbox-gw/lockbox/internal/login"
)

func TestLoginRefusesMalformedClaims(t *testing.T) {
	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprintf("g%d", i)
	}
	users := []devidp.User{
		{Username: "crlf", Name: "Eve\r\nX-Lockbox-Tenant: acme", Email: "eve@support.example", Groups: []string{"customer-ops"}},
		{Username: "longmail", Email: strings.Repeat("a", 250) + "@support.example", Groups: []string{"customer-ops"}},
		{Username: "longname", Name: strings.Repeat("N", 257), Groups: []string{"customer-ops"}},
		{Username: "manygroups", Groups: append(many, "customer-ops")},
		{Username: "badgroup", Groups: []string{"customer-ops", "ops\x00"}},
		{Username: "linesep", Name: "Eve\u2028Admin", Groups: []string{"customer-ops"}},
		{Username: "fine", Name: "Fiona Ünïcode", Email: "fine@support.example", Groups: []string{"unrelated", "customer-ops"}},
	}
	h := newHarness(t, options{users: users})
	for _, u := range users[:len(users)-1] {
		t.Run(u.Username, func(t *testing.T) {
			b := newBrowser(t, h)
			expect(t, b.login(h, u.Username), http.StatusForbidden, login.CodeClaimsInvalid)
		})
	}
	b := newBrowser(t, h)
	o := b.login(h, "fine")
	expect(t, o, http.StatusOK, "")
	if o.result.Agent.Name != "Fiona Ünïcode" || len(o.result.Roles) != 1 {
		t.Fatalf("identity = %+v", o.result.Identity)
	}
}

func TestLoginReadsConfiguredRolesClaim(t *testing.T) {
	// The provider sends no "roles" claim: nobody has a role.
	h := newHarness(t, options{configure: func(c *login.Config) { c.RolesClaim = "roles" }})
	b := newBrowser(t, h)
	expect(t, b.login(h, "bob"), http.StatusForbidden, login.CodeNoRole)
}
