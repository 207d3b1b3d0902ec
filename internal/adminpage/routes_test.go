package adminpage_test

import (
	"testing"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/adminpage"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

// TestPrefixMustBePlain: a prefix no route pattern could hold is an
// error from New, not a panic.
func TestPrefixMustBePlain(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	d := adminpage.Deps{Grants: e.Grants, Admins: e.Admins, Links: e.Links, Sessions: adminlink.NewSessions(e.Store, e.Links, 0, e.Clock.Now)}
	for _, p := range []string{"/a/../b", "/a b", "/{x}", "/./x"} {
		if _, err := adminpage.New(adminpage.Config{Prefix: p}, d); err == nil {
			t.Errorf("prefix %q: no error", p)
		}
	}
	for _, p := range []string{"", "/support/", "/", "a/b"} {
		if _, err := adminpage.New(adminpage.Config{Prefix: p}, d); err != nil {
			t.Errorf("prefix %q: %v", p, err)
		}
	}
}
