package gateway_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// browser is testkit's agent browser with the names and page shape
// this package's tests use.
type browser struct {
	*testkit.AgentBrowser
	t testing.TB
}

func newBrowser(t testing.TB, base string) *browser {
	t.Helper()
	return &browser{AgentBrowser: testkit.NewAgentBrowser(t, base), t: t}
}

// page is a response with its body read.
type page struct {
	status int
	header http.Header
	body   string
	url    *url.URL // the URL finally answered
}

func pageOf(p testkit.Page) page {
	return page{status: p.Status, header: p.Header, body: p.Body, url: p.URL}
}

// location is the redirect target of a 3xx page, or "".
func (p page) location() string { return p.header.Get("Location") }

// echo decodes what the upstream saw, failing if the page is not an
// upstream answer.
func (p page) echo(t testing.TB) echo {
	t.Helper()
	var e echo
	if !strings.HasPrefix(p.header.Get("Content-Type"), "application/json") || json.Unmarshal([]byte(p.body), &e) != nil {
		t.Fatalf("expected the upstream's answer, got %d %s: %.400s", p.status, p.header.Get("Content-Type"), p.body)
	}
	return e
}

// req is one request to send.
type req struct {
	method string
	url    string
	form   url.Values
	header http.Header // set as given, names not canonicalised
	follow bool
	origin string // "": the target's own origin on POST; "-": none
}

func (b *browser) do(r req) page {
	b.t.Helper()
	return pageOf(b.Do(testkit.Call{Method: r.method, URL: r.url, Form: r.form, Header: r.header, Follow: r.follow, Origin: r.origin}))
}

// get requests u without following redirects.
func (b *browser) get(u string) page { return b.do(req{url: u}) }

// post submits a form from the page's own origin, without following.
func (b *browser) post(u string, form url.Values) page {
	return b.do(req{method: http.MethodPost, url: u, form: form})
}

// login signs in as user at the provider and follows the redirects
// back; it returns the last page.
func (b *browser) login(user string) page {
	b.t.Helper()
	return pageOf(b.Login(user))
}

// loginConsole signs in as user and expects the console.
func (b *browser) loginConsole(user string) console {
	b.t.Helper()
	return consoleOf(b.LoginConsole(user))
}

// console opens the console and parses it.
func (b *browser) console() console {
	b.t.Helper()
	return consoleOf(b.Console())
}

// enter enters the tenant from the console and expects the redirect to
// the landing page.
func (b *browser) enter(tenant string) {
	b.t.Helper()
	b.Enter(tenant)
}

// cookie returns the browser's agent session cookie for its gateway.
func (b *browser) cookie() string { return b.Cookie(login.SessionCookiePlain) }

// cookieHeader is the Cookie line the browser sends its gateway.
func (b *browser) cookieHeader() string { return b.CookieHeader() }

// setCookie puts a cookie into the jar for the browser's gateway.
func (b *browser) setCookie(name, value string) { b.SetCookie(name, value) }

// console is what the console page shows.
type console struct {
	csrf    string
	tenants map[string][]string // tenant -> effective scopes
	current string              // the tenant the agent is in
}

func consoleOf(c testkit.Console) console {
	return console{csrf: c.CSRF, tenants: c.Tenants, current: c.Current}
}

// lockboxHeaders and cookieNames read what the upstream received.
var (
	lockboxHeaders = testkit.LockboxHeaders
	cookieNames    = testkit.CookieNames
)

// foldName lowercases a header name and reads '_' and '.' as '-'.
func foldName(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '.' {
			return '-'
		}
		return r
	}, strings.ToLower(name))
}
