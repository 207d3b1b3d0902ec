package caddymodule_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// agentBrowser is testkit's agent browser with the names and answer
// shape this package's tests use.
type agentBrowser struct {
	*testkit.AgentBrowser
	t *testing.T
}

func newAgentBrowser(t *testing.T, base string) *agentBrowser {
	t.Helper()
	return &agentBrowser{AgentBrowser: testkit.NewAgentBrowser(t, base), t: t}
}

// call is one request to send.
type call struct {
	method string // default GET
	url    string // a path on the gateway, or an absolute URL
	form   url.Values
	header http.Header // set as given, names not canonicalised
	follow bool
}

// reply is a response with its body read.
type reply struct {
	status int
	header http.Header
	body   string
	url    *url.URL // the URL that answered last
}

func replyOf(p testkit.Page) reply {
	return reply{status: p.Status, header: p.Header, body: p.Body, url: p.URL}
}

func (b *agentBrowser) do(c call) reply {
	b.t.Helper()
	return replyOf(b.Do(testkit.Call{Method: c.method, URL: c.url, Form: c.form, Header: c.header, Follow: c.follow}))
}

// get requests path without following redirects.
func (b *agentBrowser) get(path string) reply { return b.do(call{url: path}) }

// login signs in as user at the identity provider and follows the
// redirects back; it returns the last page.
func (b *agentBrowser) login(user string) reply {
	b.t.Helper()
	return replyOf(b.Login(user))
}

// loginConsole signs in as user and expects to land on the console.
func (b *agentBrowser) loginConsole(user string) consoleView {
	b.t.Helper()
	return consoleOf(b.LoginConsole(user))
}

// console opens the console and parses it.
func (b *agentBrowser) console() consoleView {
	b.t.Helper()
	return consoleOf(b.Console())
}

// enter enters tenant from the console and expects the landing page.
func (b *agentBrowser) enter(tenant string) {
	b.t.Helper()
	b.Enter(tenant)
}

// setCookie puts a cookie into the jar for the gateway, as the app would.
func (b *agentBrowser) setCookie(name, value string) { b.SetCookie(name, value) }

// cookieHeader is the Cookie header the browser sends its gateway.
func (b *agentBrowser) cookieHeader() string { return b.CookieHeader() }

// hasSessionCookie reports whether the browser holds a Lockbox cookie.
func (b *agentBrowser) hasSessionCookie() bool {
	return slices.Contains(cookieNames(http.Header{"Cookie": {b.cookieHeader()}}), "lockbox")
}

// echo decodes what the app received, failing unless the reply is the
// app's answer.
func (p reply) echo(t *testing.T) appRequest {
	t.Helper()
	var got appRequest
	if p.status != http.StatusOK || !strings.HasPrefix(p.header.Get("Content-Type"), "application/json") ||
		json.Unmarshal([]byte(p.body), &got) != nil {
		t.Fatalf("expected the app's answer, got %d %s: %.400s", p.status, p.header.Get("Content-Type"), p.body)
	}
	return got
}

// wantRefusal fails unless p is Lockbox's page with status, holding
// every one of parts.
func wantRefusal(t *testing.T, what string, p reply, status int, parts ...string) {
	t.Helper()
	if p.status != status || !strings.HasPrefix(p.header.Get("Content-Type"), "text/html") {
		t.Fatalf("%s: %s, want Lockbox's %d page", what, p.summary(), status)
	}
	for _, s := range parts {
		if !strings.Contains(p.body, s) {
			t.Fatalf("%s: the page lacks %q: %s", what, s, p.summary())
		}
	}
}

var pageText = regexp.MustCompile(`(?s)<h1>(.*?)</h1>\s*<p>(.*?)</p>`)

// summary is the status and, for one of Lockbox's pages, its title and
// message; for anything else, the start of the body.
func (p reply) summary() string {
	if m := pageText.FindStringSubmatch(p.body); m != nil {
		return fmt.Sprintf("%d %q: %q", p.status, html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return fmt.Sprintf("%d %s: %.300s", p.status, p.header.Get("Content-Type"), p.body)
}

// rawRequest sends a request written by hand to the gateway at base, so
// nothing on the client side cleans its path or renames its headers.
// lines are header lines such as "X_Lockbox_Scopes: pii".
func rawRequest(t *testing.T, base, method, target string, lines ...string) reply {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialTimeout("tcp", u.Host, runTimeout)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(runTimeout))
	head := method + " " + target + " HTTP/1.1\r\nHost: " + u.Host + "\r\n"
	for _, l := range lines {
		head += l + "\r\n"
	}
	if _, err := io.WriteString(conn, head+"Connection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: string(data), url: u}
}

// consoleView is what the console shows.
type consoleView struct {
	csrf    string
	tenants map[string][]string // tenant -> the agent's scopes there
}

func consoleOf(c testkit.Console) consoleView { return consoleView{csrf: c.CSRF, tenants: c.Tenants} }

// lockboxHeaders and cookieNames read what the app received.
var (
	lockboxHeaders = testkit.LockboxHeaders
	cookieNames    = testkit.CookieNames
)
