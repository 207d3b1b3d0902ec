package adminpage_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html/template"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/adminpage"
	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/appapi"
	"github.com/lockbox-gw/lockbox/internal/audit"
	"github.com/lockbox-gw/lockbox/internal/devidp"
	"github.com/lockbox-gw/lockbox/internal/gateway"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// Settings of the site the tests run.
const (
	clientID     = "lockbox"
	clientSecret = "test-secret"
	apiKey       = "test-api-key-0123456789abcdef"
)

// plain is a client without cookies, as a server or a mail scanner.
var plain = &http.Client{Timeout: 10 * time.Second}

// site is all of Lockbox on loopback, as one process runs it: a bolt
// store, the development identity provider, an app, and the gateway in
// front of the app with the Support Access page and the app API
// mounted.
type site struct {
	t     *testing.T
	ctx   context.Context
	store store.Store
	idp   *devidp.Server
	app   *app
	srv   *httptest.Server
	gw    atomic.Pointer[gateway.Gateway]
}

// siteOptions vary a site.
type siteOptions struct {
	// unmounted leaves the page and the API out of the gateway.
	unmounted bool
}

func newSite(t *testing.T, o siteOptions) *site {
	t.Helper()
	c, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s := &site{t: t, ctx: c, app: newApp(t)}
	s.store = testkit.Bolt(t)
	s.srv = testkit.Serve(t, http.HandlerFunc(s.serve))
	s.idp = s.startIdP()
	s.startGateway(o)
	return s
}

// serve is the site: the gateway in front of a reverse proxy to the app.
func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	proxy := httputil.NewSingleHostReverseProxy(s.app.url())
	err := s.gw.Load().ServeHTTP(w, r, func(w http.ResponseWriter, r *http.Request) error {
		proxy.ServeHTTP(w, r)
		return nil
	})
	if err != nil {
		http.Error(w, "proxy error", http.StatusBadGateway)
	}
}

func (s *site) startIdP() *devidp.Server {
	s.t.Helper()
	srv, err := devidp.Start("127.0.0.1:0", devidp.Config{
		Clients: []devidp.Client{{ID: clientID, Secret: clientSecret, RedirectURIs: []string{s.srv.URL + "/_lockbox/callback"}}},
		Logger:  slog.New(slog.DiscardHandler),
	})
	if err != nil {
		s.t.Fatalf("devidp.Start: %v", err)
	}
	s.t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// startGateway builds the parts as a Lockbox process does and runs the
// gateway until the test ends.
func (s *site) startGateway(o siteOptions) {
	t := s.t
	t.Helper()
	logins, err := login.New(login.Config{
		Issuer: s.idp.Issuer(), ClientID: clientID, ClientSecret: clientSecret,
		Roles: []login.Role{{Name: "operations", Groups: []string{"customer-ops"}, Scopes: []string{"read", "write", "pii"}}},
	}, s.store)
	if err != nil {
		t.Fatal(err)
	}
	keys := token.NewKeys(s.store, nil)
	if err := keys.Load(s.ctx); err != nil {
		t.Fatal(err)
	}
	issuer := s.srv.URL + "/_lockbox"
	minter, err := token.NewMinter(keys, token.MinterConfig{Issuer: issuer, Audience: "app.example"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	aw := audit.NewWriter(s.store, audit.Options{Interval: 10 * time.Millisecond})
	go aw.Run(s.ctx)
	t.Cleanup(func() {
		c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = aw.Close(c)
	})
	grants := grant.New(s.store, nil)
	d := gateway.Deps{Core: gateway.Core{Store: s.store, Grants: grants, Login: logins, Keys: keys, Minter: minter, Audit: aw}, Logger: zap.NewNop()}
	if !o.unmounted {
		d.AdminPage, d.API = s.consent(grants)
	}
	gw, err := gateway.New(gateway.Config{Issuer: issuer}, d)
	if err != nil {
		t.Fatal(err)
	}
	s.gw.Store(gw)
	go gw.Run(s.ctx)
}

// consent builds the Support Access page and the app API over one
// registry and one set of links, as the Caddy module does.
func (s *site) consent(grants *grant.Service) (http.Handler, http.Handler) {
	s.t.Helper()
	reg := admins.New(s.store, nil)
	links := adminlink.NewLinks(s.store, nil)
	requests, err := request.New(grants, request.Config{})
	if err != nil {
		s.t.Fatal(err)
	}
	page, err := adminpage.New(adminpage.Config{}, adminpage.Deps{
		Grants: grants, Admins: reg, Links: links, Requests: requests, Sessions: adminlink.NewSessions(s.store, links, 0, nil),
	})
	if err != nil {
		s.t.Fatal(err)
	}
	api, err := appapi.New(appapi.Config{APIKeys: []string{apiKey}, PublicURL: s.srv.URL},
		appapi.Deps{Grants: grants, Admins: reg, Links: links, Requests: requests})
	if err != nil {
		s.t.Fatal(err)
	}
	return page, api
}

// api calls the app API as the app does, server to server.
func (s *site) api(method, path string, body any) (int, map[string]any) {
	s.t.Helper()
	raw, _ := json.Marshal(body)
	res := testkit.Send(s.t, plain, method, s.srv.URL+"/_lockbox/api/v1"+path, bytes.NewReader(raw),
		http.Header{"Authorization": {"Bearer " + apiKey}, "Content-Type": {"application/json"}})
	out := map[string]any{}
	_ = json.Unmarshal(res.Body, &out)
	return res.Status, out
}

// adminLink registers a as the tenant's admin and returns a link for
// them, through the app API.
func (s *site) adminLink(tenant string, a admins.Admin) string {
	s.t.Helper()
	if status, out := s.api(http.MethodPut, "/tenants/"+tenant+"/admins", map[string]any{"admins": []admins.Admin{a}}); status != http.StatusOK {
		s.t.Fatalf("registering admins: %d %v", status, out)
	}
	status, out := s.api(http.MethodPost, "/tenants/"+tenant+"/admin-links", map[string]string{"admin_id": a.ID})
	link, _ := out["url"].(string)
	if status != http.StatusCreated || link == "" {
		s.t.Fatalf("admin link: %d %v", status, out)
	}
	return link
}

// app is the upstream: a small HTML page that shows what Lockbox told
// it, and remembers the paths it served.
type app struct {
	srv   *httptest.Server
	mu    sync.Mutex
	paths []string
}

var appPage = template.Must(template.New("app").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Books</title></head>
<body style="font-family:sans-serif;margin:2rem">
<h1 id="app">Acme Books</h1>
<p>Page <code id="path">{{.Path}}</code></p>
<p>Tenant <b id="tenant">{{.Tenant}}</b>, support agent <b id="agent">{{.Agent}}</b>, scopes <b id="scopes">{{.Scopes}}</b></p>
</body></html>`))

func newApp(t *testing.T) *app {
	a := &app{}
	a.srv = testkit.Serve(t, http.HandlerFunc(a.serve))
	return a
}

func (a *app) serve(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.paths = append(a.paths, r.URL.Path)
	a.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = appPage.Execute(w, map[string]string{
		"Path": r.URL.Path, "Tenant": r.Header.Get("X-Lockbox-Tenant"),
		"Agent": r.Header.Get("X-Lockbox-Agent"), "Scopes": r.Header.Get("X-Lockbox-Scopes"),
	})
}

func (a *app) url() *url.URL {
	u, _ := url.Parse(a.srv.URL)
	return u
}

// served reports whether the app served path.
func (a *app) served(path string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, p := range a.paths {
		if p == path {
			return true
		}
	}
	return false
}
