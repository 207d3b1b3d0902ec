package appapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/appapi"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

func TestBothKeysAreAccepted(t *testing.T) {
	e := newEnv(t, nil)
	for _, h := range []http.Header{
		bearer(keyOne),
		bearer(keyTwo),
		{"Authorization": {"bearer " + keyOne}},
		{"Authorization": {"Bearer  " + keyTwo + " "}},
	} {
		if r := e.send(http.MethodGet, "/tenants/acme/grants", "", h); r.Status != http.StatusOK {
			t.Fatalf("%v: status %d %s", h, r.Status, r.Body)
		}
	}
}

func TestUnauthorized(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name   string
		path   string
		header http.Header
	}{
		{"no header", "/tenants/acme/grants", nil},
		{"empty header", "/tenants/acme/grants", http.Header{"Authorization": {""}}},
		{"scheme only", "/tenants/acme/grants", http.Header{"Authorization": {"Bearer"}}},
		{"scheme and space", "/tenants/acme/grants", http.Header{"Authorization": {"Bearer "}}},
		{"wrong key", "/tenants/acme/grants", bearer("k1-0123456789abcdef0123456780")},
		{"prefix of a key", "/tenants/acme/grants", bearer(keyOne[:len(keyOne)-1])},
		{"key and more", "/tenants/acme/grants", bearer(keyOne + "x")},
		{"both keys", "/tenants/acme/grants", bearer(keyOne + keyTwo)},
		{"key without scheme", "/tenants/acme/grants", http.Header{"Authorization": {keyOne}}},
		{"basic scheme", "/tenants/acme/grants", http.Header{"Authorization": {"Basic " + keyOne}}},
		{"two headers", "/tenants/acme/grants", http.Header{"Authorization": {"Bearer " + keyOne, "Bearer " + keyOne}}},
		{"key in query", "/tenants/acme/grants?api_key=" + keyOne, nil},
		{"key in query with header", "/tenants/acme/grants?api_key=" + keyOne, bearer(keyOne)},
		{"access_token in query", "/tenants/acme/grants?access_token=" + keyOne, bearer(keyOne)},
		{"key in query of the document", "/openapi.json?API_KEY=x", nil},
		{"unknown path", "/nowhere", nil},
		{"write route", "/tenants/acme/admins", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.send(http.MethodGet, tt.path, "", tt.header)
			checkError(t, r, http.StatusUnauthorized, "unauthorized")
			if got := r.Header.Get("WWW-Authenticate"); got != `Bearer realm="lockbox"` {
				t.Fatalf("WWW-Authenticate = %q", got)
			}
			if strings.Contains(string(r.Body), keyOne[:10]) {
				t.Fatalf("the answer echoes the key: %s", r.Body)
			}
		})
	}
	before := e.Head("acme")
	r := e.send(http.MethodPost, "/tenants/acme/grants", `{"duration":"1d",`+asAna+`}`, bearer("nope-nope-nope-nope"))
	checkError(t, r, http.StatusUnauthorized, "unauthorized")
	if e.Head("acme") != before {
		t.Fatal("an unauthorized request wrote")
	}
}

func TestDisabledWithoutKeys(t *testing.T) {
	h, err := appapi.New(appapi.Config{}, appapi.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{base + "/tenants/acme/grants", base + "/openapi.json", base + "/nowhere", "/elsewhere"} {
		r := serve(h, http.MethodGet, path, bearer(keyOne))
		checkError(t, r, http.StatusNotFound, "api_disabled")
	}
}

func TestNewRefusesBadConfig(t *testing.T) {
	st := testkit.Bolt(t)
	grants := grant.New(st, nil)
	requests, err := request.New(grants, request.Config{})
	if err != nil {
		t.Fatal(err)
	}
	deps := appapi.Deps{Grants: grants, Admins: admins.New(st, nil), Links: adminlink.NewLinks(st, nil), Requests: requests}
	noRequests := deps
	noRequests.Requests = nil
	good := func() appapi.Config { return appapi.Config{APIKeys: []string{keyOne}, PublicURL: publicURL} }
	tests := []struct {
		name     string
		edit     func(*appapi.Config)
		deps     appapi.Deps
		contains string
	}{
		{"empty key", func(c *appapi.Config) { c.APIKeys = []string{keyOne, ""} }, deps, "api key 2"},
		{"short key", func(c *appapi.Config) { c.APIKeys = []string{"short"} }, deps, "api key 1"},
		{"key with space", func(c *appapi.Config) { c.APIKeys = []string{"abc def ghi jkl mno"} }, deps, "without spaces"},
		{"no public URL", func(c *appapi.Config) { c.PublicURL = "" }, deps, "public URL is required"},
		{"plain http public URL", func(c *appapi.Config) { c.PublicURL = "http://app.example.com" }, deps, "must use https"},
		{"public URL with query", func(c *appapi.Config) { c.PublicURL = "https://app.example.com/?x=1" }, deps, "without user info"},
		{"relative public URL", func(c *appapi.Config) { c.PublicURL = "app.example.com" }, deps, "absolute URL"},
		{"bad prefix", func(c *appapi.Config) { c.Prefix = "/lock box" }, deps, "plain path"},
		{"pattern in prefix", func(c *appapi.Config) { c.Prefix = "/{x}" }, deps, "plain path"},
		{"short duration", func(c *appapi.Config) { c.Durations = []time.Duration{time.Second} }, deps, "out of range"},
		{"long duration", func(c *appapi.Config) { c.Durations = []time.Duration{500 * 24 * time.Hour} }, deps, "out of range"},
		{"long link", func(c *appapi.Config) { c.LinkTTL = 31 * 24 * time.Hour }, deps, "out of range"},
		{"empty role", func(c *appapi.Config) { c.AdminRoles = []string{""} }, deps, "admin role"},
		{"no deps", nil, appapi.Deps{}, "required"},
		{"no requests", nil, noRequests, "requests are required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good()
			if tt.edit != nil {
				tt.edit(&cfg)
			}
			_, err := appapi.New(cfg, tt.deps)
			if err == nil || !strings.Contains(err.Error(), tt.contains) {
				t.Fatalf("New = %v, want an error containing %q", err, tt.contains)
			}
			if strings.Contains(err.Error(), keyOne) {
				t.Fatalf("the error shows a key: %v", err)
			}
		})
	}
}
