package appapi_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/testkit/apitest"
)

// TestOnRedis runs the admin flow over a real redis-server with two
// instances: a link made by one opens on the other.
func TestOnRedis(t *testing.T) {
	srv := redistest.Start(t)
	a, b := newEnvOn(t, testkit.Redis(t, srv.URL()), nil), newEnvOn(t, testkit.Redis(t, srv.URL()), nil)

	g := a.create(`{"duration":"7d","scopes":["pii"],` + asAna + `}`)
	var page apitest.GrantsPage
	b.call(http.MethodGet, "/tenants/acme/grants", "", http.StatusOK, &page)
	if page.Active == nil || page.Active.ID != g.ID {
		t.Fatalf("the other instance lists %+v", page)
	}
	b.callError(http.MethodPost, "/tenants/acme/grants", `{"duration":"3d",`+asAna+`}`, 400, "invalid_duration")
	b.callError(http.MethodPost, "/tenants/globex/grants", `{"duration":"1d",`+asAna+`}`, 403, "admin_not_registered")

	l := a.link("acme", "u_ana")
	ss := adminlink.NewSessions(b.Store, b.Links, 0, b.Clock.Now)
	_, s, err := ss.Open(ctx(t), httptest.NewRecorder(), continueRequest(l.URL))
	if err != nil || s.Tenant != "acme" || !errors.Is(s.For("globex"), adminlink.ErrWrongTenant) {
		t.Fatalf("Open on the other instance = %+v, %v", s, err)
	}

	b.call(http.MethodDelete, "/tenants/acme/grants/current", `{`+asAna+`}`, http.StatusOK, nil)
	var audit apitest.AuditPage
	a.call(http.MethodGet, "/tenants/acme/audit", "", http.StatusOK, &audit)
	want := []string{"admins.updated", "grant.created", "grant.revoked"}
	if got := eventTypes(audit.Events); !slices.Equal(got, want) {
		t.Fatalf("audit %v, want %v", got, want)
	}
	if v, err := store.Verify(ctx(t), a.Store, "acme"); err != nil || !v.OK {
		t.Fatalf("chain %+v, %v", v, err)
	}
}
