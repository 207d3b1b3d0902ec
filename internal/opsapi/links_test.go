package opsapi_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/opsapi"
)

// linksEnv serves the API with admins and links over a fresh env, ana
// (owner) and bob (viewer) registered for acme.
func linksEnv(t *testing.T, s opsapi.LinkSettings) *env {
	t.Helper()
	e, _ := newBoltEnv(t)
	e.serve(opsapi.WithAdmins(admins.New(e.store, e.clock.Now)), opsapi.WithLinks(adminlink.NewLinks(e.store, e.clock.Now), s))
	e.putAdmins("acme", anaJSON, bobJSON)
	return e
}

func publicURL(u string) func() string { return func() string { return u } }

// linkAnswer is the answer of POST .../admin-links.
type linkAnswer struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

// verifyLink checks the link's token as another instance over the same
// store would, and returns its claims.
func (e *env) verifyLink(link string) adminlink.Claims {
	e.t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		e.t.Fatal(err)
	}
	c, err := adminlink.NewLinks(e.store, e.clock.Now).Verify(ctx(e.t), u.Query().Get("token"))
	if err != nil {
		e.t.Fatalf("link %s does not verify: %v", link, err)
	}
	return c
}

func TestLinkVerifies(t *testing.T) {
	e := linksEnv(t, opsapi.LinkSettings{PublicURL: publicURL("https://app.example.test/")})
	var got linkAnswer
	e.call(http.MethodPost, "/lockbox/tenants/acme/admin-links", `{"admin_id":"a1"}`, http.StatusCreated, &got)
	if !strings.HasPrefix(got.URL, "https://app.example.test/_lockbox/admin?token=") {
		t.Fatalf("url %s", got.URL)
	}
	want := e.clock.Now().Add(opsapi.DefaultLinkTTL)
	if !got.ExpiresAt.Equal(want) {
		t.Fatalf("expires_at %v, want %v", got.ExpiresAt, want)
	}
	c := e.verifyLink(got.URL)
	if c.Tenant != "acme" || c.AdminID != "a1" || c.Role != "owner" || !c.ExpiresAt.Equal(want) {
		t.Fatalf("claims %+v", c)
	}
	if err := c.For("globex"); err == nil {
		t.Fatal("the link passes for another tenant")
	}
}

func TestLinkLifetimeAndPlace(t *testing.T) {
	s := opsapi.LinkSettings{
		PublicURL: publicURL("http://127.0.0.1:8080"),
		Prefix:    func() string { return "/support" },
		TTL:       time.Hour,
		Roles:     []string{"viewer"},
	}
	e := linksEnv(t, s)
	tests := []struct {
		name string
		body string
		ttl  time.Duration
	}{
		{"settings' default", `{"admin_id":"a2"}`, time.Hour},
		{"days", `{"admin_id":"a2","ttl":"7d"}`, 7 * 24 * time.Hour},
		{"minutes", `{"admin_id":"a2","ttl":"90m"}`, 90 * time.Minute},
		{"the longest", `{"admin_id":"a2","ttl":"30d"}`, adminlink.MaxTTL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got linkAnswer
			e.call(http.MethodPost, "/lockbox/tenants/acme/admin-links", tt.body, http.StatusCreated, &got)
			if !strings.HasPrefix(got.URL, "http://127.0.0.1:8080/support/admin?token=") {
				t.Fatalf("url %s", got.URL)
			}
			c := e.verifyLink(got.URL)
			if want := e.clock.Now().Add(tt.ttl); !got.ExpiresAt.Equal(want) || !c.ExpiresAt.Equal(want) || c.Role != "viewer" {
				t.Fatalf("expires_at %v, claims %+v; want expiry %v", got.ExpiresAt, c, want)
			}
		})
	}
}

func TestLinkRefused(t *testing.T) {
	e := linksEnv(t, opsapi.LinkSettings{PublicURL: publicURL("https://app.example.test")})
	post := func(name, body string, status int, code string) badRequest {
		return badRequest{name: name, method: "POST", path: "/lockbox/tenants/acme/admin-links", body: body, status: status, code: code}
	}
	tests := []badRequest{
		post("unknown admin", `{"admin_id":"a9"}`, 404, "admin_not_found"),
		post("role not allowed", `{"admin_id":"a2"}`, 403, "role_not_allowed"),
		post("no admin", `{}`, 400, "invalid_admin"),
		post("blank admin", `{"admin_id":" "}`, 400, "invalid_admin"),
		post("ttl too long", `{"admin_id":"a1","ttl":"31d"}`, 400, "invalid_ttl"),
		post("ttl too short", `{"admin_id":"a1","ttl":"30s"}`, 400, "invalid_ttl"),
		post("ttl negative", `{"admin_id":"a1","ttl":"-1h"}`, 400, "invalid_ttl"),
		post("ttl not a duration", `{"admin_id":"a1","ttl":"soon"}`, 400, "invalid_ttl"),
		post("ttl a number", `{"admin_id":"a1","ttl":3600}`, 400, "invalid_json"),
		post("unknown field", `{"admin_id":"a1","role":"owner"}`, 400, "invalid_json"),
		post("no body", ``, 400, "invalid_json"),
		{name: "other tenant's admin", method: "POST", path: "/lockbox/tenants/globex/admin-links", body: `{"admin_id":"a1"}`, status: 404, code: "admin_not_found"},
		{name: "bad tenant", method: "POST", path: "/lockbox/tenants/Acme/admin-links", body: `{"admin_id":"a1"}`, status: 400, code: "invalid_tenant"},
		{name: "get", method: "GET", path: "/lockbox/tenants/acme/admin-links", status: 405, code: "method_not_allowed", allow: "POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, r := e.callError(tt.method, tt.path, tt.body, tt.status, tt.code)
			if got := r.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
		})
	}
}

func TestLinkNeedsPublicURL(t *testing.T) {
	for name, s := range map[string]opsapi.LinkSettings{
		"no function": {},
		"none known":  {PublicURL: publicURL("")},
	} {
		t.Run(name, func(t *testing.T) {
			e := linksEnv(t, s)
			msg, _ := e.callError(http.MethodPost, "/lockbox/tenants/acme/admin-links", `{"admin_id":"a1"}`, http.StatusConflict, "public_url_required")
			if !strings.Contains(msg, "public_url") {
				t.Fatalf("message %q does not say what to set", msg)
			}
		})
	}
}

func TestLinkWithoutLinks(t *testing.T) {
	e := adminsEnv(t)
	e.callError(http.MethodPost, "/lockbox/tenants/acme/admin-links", `{"admin_id":"a1"}`, http.StatusServiceUnavailable, "links_unavailable")
}
