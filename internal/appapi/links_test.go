package appapi_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/appapi"
	"github.com/lockbox-gw/lockbox/internal/problem"
)

type linkAnswer struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (e *env) link(tenant, adminID string) linkAnswer {
	e.t.Helper()
	var l linkAnswer
	e.call(http.MethodPost, "/tenants/"+tenant+"/admin-links", `{"admin_id":"`+adminID+`"}`, http.StatusCreated, &l)
	return l
}

func token(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("token")
}

func TestAdminLinkOpensTheAdminsSession(t *testing.T) {
	e := newEnv(t, nil)
	l := e.link("acme", "u_ana")
	if !strings.HasPrefix(l.URL, publicURL+"/_lockbox/admin?token=") || !l.ExpiresAt.Equal(e.Clock.Now().Add(appapi.DefaultLinkTTL)) {
		t.Fatalf("link %+v", l)
	}
	c, err := e.Links.Verify(ctx(t), token(t, l.URL))
	if err != nil || c.Tenant != "acme" || c.AdminID != "u_ana" || c.Role != "owner" || len(c.Areas) != 0 {
		t.Fatalf("claims %+v, %v", c, err)
	}

	ss := adminlink.NewSessions(e.Store, e.Links, 0, e.Clock.Now)
	page := strings.Replace(l.URL, publicURL, "https://app.example.com", 1)
	_, s, err := ss.Open(ctx(t), httptest.NewRecorder(), continueRequest(page))
	if err != nil || s.Tenant != "acme" || s.AdminID != "u_ana" {
		t.Fatalf("Open = %+v, %v", s, err)
	}
	for _, err := range []error{s.For("globex"), c.For("globex")} {
		if !errors.Is(err, adminlink.ErrWrongTenant) || problem.Status(err) != http.StatusForbidden {
			t.Fatalf("a link of acme used for globex: %v", err)
		}
	}
	if got := e.EventTypes("acme"); len(got) != 1 {
		t.Fatalf("making or opening a link wrote events %v", got)
	}
}

func TestAdminLinkExpires(t *testing.T) {
	e := newEnv(t, func(c *appapi.Config) { c.LinkTTL = time.Hour })
	l := e.link("globex", "u_gus")
	e.Clock.Add(time.Hour)
	if _, err := e.Links.Verify(ctx(t), token(t, l.URL)); !errors.Is(err, adminlink.ErrExpired) {
		t.Fatalf("Verify after an hour = %v", err)
	}
}

func TestAdminLinkRefused(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name   string
		tenant string
		body   string
		status int
		code   string
	}{
		{"unknown admin", "acme", `{"admin_id":"u_eve"}`, 404, "admin_not_found"},
		{"admin of another tenant", "globex", `{"admin_id":"u_ana"}`, 404, "admin_not_found"},
		{"role outside admin roles", "acme", `{"admin_id":"u_vic"}`, 403, "role_not_allowed"},
		{"no admin id", "acme", `{}`, 400, "invalid_admin"},
		{"unknown field", "acme", `{"admin_id":"u_ana","ttl":"30d"}`, 400, "invalid_json"},
		{"bad tenant", "Acme", `{"admin_id":"u_ana"}`, 400, "invalid_tenant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.callError(http.MethodPost, "/tenants/"+tt.tenant+"/admin-links", tt.body, tt.status, tt.code)
		})
	}
	e.callError(http.MethodGet, "/tenants/acme/admin-links", "", 405, "method_not_allowed")
}

// continueRequest is the POST of the Continue button the page of link
// shows: the link's token in a form.
func continueRequest(link string) *http.Request {
	u, _ := url.Parse(link)
	body := url.Values{"token": {u.Query().Get("token")}}.Encode()
	r := httptest.NewRequest(http.MethodPost, u.Scheme+"://"+u.Host+u.Path+"/open", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}
