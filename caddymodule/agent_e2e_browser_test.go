package caddymodule_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// agentBrowser is a cookie-keeping client of one gateway that signs in
// through the identity provider's form and uses the console's forms, as
// an agent's browser would.
type agentBrowser struct {
	t    *testing.T
	base string // the gateway, http://127.0.0.1:<port>
	jar  *cookiejar.Jar
	// follow follows redirects; stay does not.
	follow, stay *http.Client
}

func newAgentBrowser(t *testing.T, base string) *agentBrowser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(transport.CloseIdleConnections)
	return &agentBrowser{
		t: t, base: base, jar: jar,
		follow: &http.Client{Jar: jar, Transport: transport, Timeout: runTimeout},
		stay: &http.Client{Jar: jar, Transport: transport, Timeout: runTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}
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

func (b *agentBrowser) do(c call) reply {
	b.t.Helper()
	if c.method == "" {
		c.method = http.MethodGet
	}
	if !strings.HasPrefix(c.url, "http://") {
		c.url = b.base + c.url
	}
	var body io.Reader
	if c.form != nil {
		body = strings.NewReader(c.form.Encode())
	}
	req, err := http.NewRequest(c.method, c.url, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if c.form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", req.URL.Scheme+"://"+req.URL.Host) // the page's own
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	client := b.stay
	if c.follow {
		client = b.follow
	}
	resp, err := client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", c.method, c.url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: string(data), url: resp.Request.URL}
}

// get requests path without following redirects.
func (b *agentBrowser) get(path string) reply { return b.do(call{url: path}) }

var idpRequestID = regexp.MustCompile(`name="id" value="([^"]+)"`)

// login starts at the gateway's login route, is sent to the identity
// provider's login page, types user's name and password (the password
// is the username) and follows the redirects back; it returns the last
// page.
func (b *agentBrowser) login(user string) reply {
	b.t.Helper()
	p := b.do(call{url: "/_lockbox/login", follow: true})
	m := idpRequestID.FindStringSubmatch(p.body)
	if p.status != http.StatusOK || m == nil || !strings.Contains(p.body, "Development identity provider") {
		b.t.Fatalf("expected the identity provider's login page, got %d at %s: %.400s", p.status, p.url, p.body)
	}
	action := p.url.ResolveReference(&url.URL{Path: "login"})
	return b.do(call{method: http.MethodPost, url: action.String(), follow: true, form: url.Values{
		"id": {html.UnescapeString(m[1])}, "username": {user}, "password": {user},
	}})
}

// loginConsole signs in as user and expects to land on the console.
func (b *agentBrowser) loginConsole(user string) consoleView {
	b.t.Helper()
	p := b.login(user)
	if p.status != http.StatusOK || p.url.Path != "/_lockbox/" {
		b.t.Fatalf("login as %s ended at %s with %d: %.400s", user, p.url, p.status, p.body)
	}
	return parseConsole(b.t, p.body)
}

// console opens the console and parses it.
func (b *agentBrowser) console() consoleView {
	b.t.Helper()
	p := b.get("/_lockbox/")
	if p.status != http.StatusOK {
		b.t.Fatalf("console: %d %.400s", p.status, p.body)
	}
	return parseConsole(b.t, p.body)
}

// enter submits the console's Enter form of tenant, with the CSRF token
// from the page, and expects the redirect to the landing page.
func (b *agentBrowser) enter(tenant string) {
	b.t.Helper()
	c := b.console()
	if _, ok := c.tenants[tenant]; !ok {
		b.t.Fatalf("the console offers no %s to enter: %+v", tenant, c)
	}
	p := b.do(call{method: http.MethodPost, url: "/_lockbox/sessions", form: url.Values{"csrf": {c.csrf}, "tenant": {tenant}}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/" {
		b.t.Fatalf("entering %s: %d %q %.400s", tenant, p.status, p.header.Get("Location"), p.body)
	}
}

// setCookie puts a cookie into the jar for the gateway, as the app would.
func (b *agentBrowser) setCookie(name, value string) {
	u, _ := url.Parse(b.base)
	b.jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// cookieHeader is the Cookie header the browser sends its gateway.
func (b *agentBrowser) cookieHeader() string {
	u, _ := url.Parse(b.base)
	var parts []string
	for _, c := range b.jar.Cookies(u) {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

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

var (
	consoleCSRF  = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	consoleRow   = regexp.MustCompile(`(?s)<tr>\s*<td><b>([^<]+)</b>.*?</td>\s*<td[^>]*>(.*?)</td>`)
	consoleScope = regexp.MustCompile(`<span class="scope">([^<]+)</span>`)
)

func parseConsole(t *testing.T, body string) consoleView {
	t.Helper()
	m := consoleCSRF.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf token on the console: %.400s", body)
	}
	c := consoleView{csrf: html.UnescapeString(m[1]), tenants: map[string][]string{}}
	for _, row := range consoleRow.FindAllStringSubmatch(body, -1) {
		scopes := []string{}
		for _, s := range consoleScope.FindAllStringSubmatch(row[2], -1) {
			scopes = append(scopes, s[1])
		}
		c.tenants[html.UnescapeString(row[1])] = scopes
	}
	return c
}

// lockboxHeaders returns the headers whose names read as the Lockbox
// prefix (any case, '_' or '.' for '-'), keyed by the folded name.
func lockboxHeaders(h http.Header) map[string]string {
	out := map[string]string{}
	for name, vs := range h {
		folded := strings.NewReplacer("_", "-", ".", "-").Replace(strings.ToLower(name))
		if strings.HasPrefix(folded, "x-lockbox-") {
			out[folded] = strings.Join(vs, ",")
		}
	}
	return out
}

// cookieNames lists, sorted, the cookie names of a request's headers.
func cookieNames(h http.Header) []string {
	r := &http.Request{Header: h}
	var names []string
	for _, c := range r.Cookies() {
		names = append(names, c.Name)
	}
	slices.Sort(names)
	return names
}
