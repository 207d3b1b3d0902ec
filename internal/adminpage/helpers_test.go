package adminpage_test

import (
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/adminpage"
	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/checkpoint"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/testkit/apitest"
	"github.com/lockbox-gw/lockbox/internal/token"
)

const page = "/_lockbox/admin"

// The registered admins (apitest's): ana owns acme, vic only views it,
// gus administers globex.
var ana, vic, gus = apitest.Ana, apitest.Vic, apitest.Gus

// env is the page alone, served over a real HTTP server on loopback, on
// a bolt store the test owns.
type env struct {
	*apitest.Env
	t        *testing.T
	requests *request.Service
	srv      *httptest.Server
	// checkpoints signs the tenants' audit heads, with keys in the store.
	checkpoints *checkpoint.Service
}

// envOptions vary the page of an env.
type envOptions struct {
	rules tenantadmin.Rules
	// requests configure the request service (its areas default to
	// testAreas); noRequests leaves requests off the page.
	requests   request.Config
	noRequests bool
}

func newEnv(t *testing.T, rules tenantadmin.Rules) *env {
	t.Helper()
	return newEnvWith(t, envOptions{rules: rules})
}

func newEnvWith(t *testing.T, o envOptions) *env {
	t.Helper()
	st := testkit.Bolt(t)
	c := testkit.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	e := &env{Env: apitest.New(t, st, c), t: t}
	if !o.noRequests {
		if o.requests.Areas == nil {
			o.requests.Areas = testAreas
		}
		var err error
		if e.requests, err = request.New(e.Grants, o.requests); err != nil {
			t.Fatal(err)
		}
	}
	e.checkpoints = &checkpoint.Service{Store: st, Keys: token.NewKeys(st, c.Now), Now: c.Now}
	h, err := adminpage.New(adminpage.Config{Rules: o.rules, Areas: testAreas}, adminpage.Deps{
		Grants: e.Grants, Admins: e.Admins, Links: e.Links, Requests: e.requests,
		Sessions: adminlink.NewSessions(st, e.Links, 0, c.Now), Notify: e.Notify,
		Checkpoints: e.checkpoints.Latest,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = testkit.Serve(t, h)
	e.SetTestAdmins()
	return e
}

// ctx is a context for one call of the test.
var ctx = testkit.Context

// link signs a day-long link for a of tenant, as the app API would.
func (e *env) link(tenant string, a admins.Admin) string {
	e.t.Helper()
	u, _, err := e.Links.Link(ctx(e.t), e.srv.URL, "/_lockbox", adminlink.Claims{
		Tenant: tenant, AdminID: a.ID, Role: a.Role, ExpiresAt: e.Clock.Now().Add(24 * time.Hour),
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// grant makes scopes acme's grant for 7 days, by ana.
func (e *env) grant(scopes ...string) store.Grant {
	e.t.Helper()
	g, err := e.Grants.Create(ctx(e.t), grant.CreateRequest{
		Tenant: "acme", Scopes: scopes, Duration: 7 * 24 * time.Hour, By: store.Actor{ID: ana.ID, Email: ana.Email, Role: ana.Role},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return g
}

// active returns acme's active grant, or nil.
func (e *env) active() *store.Grant {
	e.t.Helper()
	g, err := e.Grants.Current(ctx(e.t), "acme")
	if err != nil {
		return nil
	}
	return &g
}

// eventCount is the length of the tenant's audit chain.
func (e *env) eventCount(tenant string) int64 {
	e.t.Helper()
	return e.Head(tenant).Seq
}

// client is a cookie-keeping HTTP client that does not follow redirects
// and sends the Origin a browser sends with a form.
type client struct {
	t   *testing.T
	srv string
	c   *http.Client
}

func (e *env) client() *client {
	return &client{t: e.t, srv: e.srv.URL, c: testkit.Browser(e.t)}
}

// resp is an answer with its body read.
type resp struct {
	status int
	header http.Header
	body   string
}

func (c *client) do(method, u string, form url.Values, header http.Header) resp {
	c.t.Helper()
	if strings.HasPrefix(u, "/") {
		u = c.srv + u
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
		h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
		for k, v := range header {
			h[k] = v
		}
		header = h
	}
	r := testkit.Send(c.t, c.c, method, u, body, header)
	return resp{status: r.Status, header: r.Header, body: string(r.Body)}
}

func (c *client) get(u string) resp { return c.do(http.MethodGet, u, nil, nil) }

// post submits a form from the page's own origin.
func (c *client) post(u string, form url.Values) resp {
	return c.do(http.MethodPost, u, form, http.Header{"Origin": {c.srv}})
}

// open opens link and returns the page it redirects to.
func (c *client) open(link string) resp {
	c.t.Helper()
	r := c.press(link)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != page {
		c.t.Fatalf("opening the link: %d %q %.300s", r.status, r.header.Get("Location"), r.body)
	}
	return c.page()
}

var (
	openAction = regexp.MustCompile(`<form method="post" action="([^"]+)">`)
	openToken  = regexp.MustCompile(`name="token" value="([^"]+)"`)
)

// press fetches link, expects the page that says who it is for, and
// presses its Continue button; it returns the button's answer.
func (c *client) press(link string) resp {
	c.t.Helper()
	shown := c.get(link)
	action, token := continueForm(c.t, shown)
	return c.post(action, url.Values{"token": {token}})
}

// continueForm returns where the Continue button of a link's page posts
// and the token it carries.
func continueForm(t *testing.T, shown resp) (string, string) {
	t.Helper()
	a, tok := openAction.FindStringSubmatch(shown.body), openToken.FindStringSubmatch(shown.body)
	if shown.status != http.StatusOK || a == nil || tok == nil || !strings.Contains(shown.body, `id="continue"`) {
		t.Fatalf("the link shows %d without a Continue button: %.600s", shown.status, shown.body)
	}
	return html.UnescapeString(a[1]), html.UnescapeString(tok[1])
}

// page loads the page and expects it.
func (c *client) page() resp {
	c.t.Helper()
	r := c.get(page)
	if r.status != http.StatusOK {
		c.t.Fatalf("page: %d %.400s", r.status, r.body)
	}
	return r
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// form returns the fields every form of the page carries.
func (c *client) form(p resp, extra url.Values) url.Values {
	c.t.Helper()
	m := csrfField.FindStringSubmatch(p.body)
	if m == nil {
		c.t.Fatalf("no csrf token on %.300s", p.body)
	}
	f := url.Values{"csrf": {html.UnescapeString(m[1])}, "tenant": {"acme"}}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

// grantForm is the grant form with its defaults: a day, read-only,
// personal data masked.
func grantForm(extra url.Values) url.Values {
	f := url.Values{"duration": {"1d"}, "access": {"read"}, "pii": {"masked"}, "note": {""}}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

// signedIn is a client with ana's session on acme's page, and the page.
func (e *env) signedIn() (*client, resp) {
	c := e.client()
	return c, c.open(e.link("acme", ana))
}

func must(t *testing.T, r resp, status int, contains ...string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %.600s", r.status, status, r.body)
	}
	for _, s := range contains {
		if !strings.Contains(r.body, s) {
			t.Fatalf("page lacks %q: %.2000s", s, r.body)
		}
	}
}
