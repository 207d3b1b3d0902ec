package gateway_test

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/login"
)

// browser is a cookie-keeping client that signs in through the
// provider's login form and uses the console's forms, as a person would.
type browser struct {
	t    testing.TB
	base string // the gateway it talks to by default
	jar  *cookiejar.Jar
	// follow follows redirects; stay does not.
	follow, stay *http.Client
}

func newBrowser(t testing.TB, base string) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, base: base, jar: jar}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(transport.CloseIdleConnections)
	b.follow = &http.Client{Jar: jar, Transport: transport, Timeout: 15 * time.Second}
	b.stay = &http.Client{Jar: jar, Transport: transport, Timeout: 15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return b
}

// page is a response with its body read.
type page struct {
	status int
	header http.Header
	body   string
	url    *url.URL // the URL finally answered
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

// abs resolves a path against the browser's gateway.
func (b *browser) abs(u string) string {
	if strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
		return u
	}
	return b.base + u
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
	if r.method == "" {
		r.method = http.MethodGet
	}
	var body io.Reader
	if r.form != nil {
		body = strings.NewReader(r.form.Encode())
	}
	hr, err := http.NewRequest(r.method, b.abs(r.url), body)
	if err != nil {
		b.t.Fatal(err)
	}
	if r.form != nil {
		hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if r.method == http.MethodPost {
		switch r.origin {
		case "":
			hr.Header.Set("Origin", hr.URL.Scheme+"://"+hr.URL.Host)
		case "-":
		default:
			hr.Header.Set("Origin", r.origin)
		}
	}
	for k, v := range r.header {
		hr.Header[k] = v
	}
	c := b.stay
	if r.follow {
		c = b.follow
	}
	resp, err := c.Do(hr)
	if err != nil {
		b.t.Fatalf("%s %s: %v", r.method, r.url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return page{status: resp.StatusCode, header: resp.Header, body: string(data), url: resp.Request.URL}
}

// get requests u without following redirects.
func (b *browser) get(u string) page { return b.do(req{url: u}) }

// post submits a form from the page's own origin, without following.
func (b *browser) post(u string, form url.Values) page {
	return b.do(req{method: http.MethodPost, url: u, form: form})
}

var requestIDPattern = regexp.MustCompile(`name="id" value="([^"]+)"`)

// login opens the login route, is sent to the provider's login page,
// types user's name and password (the password is the username) and
// follows the redirects back; it returns the last page.
func (b *browser) login(user string) page {
	b.t.Helper()
	p := b.do(req{url: "/_lockbox/login", follow: true})
	m := requestIDPattern.FindStringSubmatch(p.body)
	if p.status != http.StatusOK || m == nil {
		b.t.Fatalf("expected the provider's login page, got %d: %.300s", p.status, p.body)
	}
	action := p.url.ResolveReference(&url.URL{Path: "login"})
	return b.do(req{method: http.MethodPost, url: action.String(), follow: true, form: url.Values{
		"id": {html.UnescapeString(m[1])}, "username": {user}, "password": {user},
	}})
}

// loginConsole signs in as user and expects the console.
func (b *browser) loginConsole(user string) console {
	b.t.Helper()
	p := b.login(user)
	if p.status != http.StatusOK || p.url.Path != "/_lockbox/" {
		b.t.Fatalf("login as %s ended at %s with %d: %.400s", user, p.url, p.status, p.body)
	}
	return parseConsole(b.t, p.body)
}

// console opens the console and parses it.
func (b *browser) console() console {
	b.t.Helper()
	p := b.get("/_lockbox/")
	if p.status != http.StatusOK {
		b.t.Fatalf("console: %d %.300s", p.status, p.body)
	}
	return parseConsole(b.t, p.body)
}

// enter enters the tenant from the console and expects the redirect to
// the landing page.
func (b *browser) enter(tenant string) {
	b.t.Helper()
	c := b.console()
	p := b.post("/_lockbox/sessions", url.Values{"csrf": {c.csrf}, "tenant": {tenant}})
	if p.status != http.StatusSeeOther || p.location() != "/" {
		b.t.Fatalf("entering %s: %d %q %.300s", tenant, p.status, p.location(), p.body)
	}
}

// cookie returns the browser's agent session cookie for its gateway.
func (b *browser) cookie() string {
	u, _ := url.Parse(b.base)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == login.SessionCookiePlain {
			return c.Value
		}
	}
	return ""
}

// setCookie puts a cookie into the jar for the browser's gateway.
func (b *browser) setCookie(name, value string) {
	u, _ := url.Parse(b.base)
	b.jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// console is what the console page shows.
type console struct {
	csrf    string
	tenants map[string][]string // tenant -> effective scopes
	current string              // the tenant the agent is in
}

var (
	csrfPattern    = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	rowPattern     = regexp.MustCompile(`(?s)<tr>\s*<td><b>([^<]+)</b>.*?</td>\s*<td[^>]*>(.*?)</td>`)
	scopePattern   = regexp.MustCompile(`<span class="scope">([^<]+)</span>`)
	currentPattern = regexp.MustCompile(`You are in tenant ([^<]+)</h1>`)
)

func parseConsole(t testing.TB, body string) console {
	t.Helper()
	m := csrfPattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf token on the console: %.400s", body)
	}
	c := console{csrf: html.UnescapeString(m[1]), tenants: map[string][]string{}}
	for _, row := range rowPattern.FindAllStringSubmatch(body, -1) {
		var scopes []string
		for _, s := range scopePattern.FindAllStringSubmatch(row[2], -1) {
			scopes = append(scopes, s[1])
		}
		c.tenants[html.UnescapeString(row[1])] = scopes
	}
	if m := currentPattern.FindStringSubmatch(body); m != nil {
		c.current = html.UnescapeString(m[1])
	}
	return c
}

// lockboxHeaders returns the headers whose names read as the Lockbox
// prefix (any case, '_' or '.' for '-'), keyed by the folded name.
func lockboxHeaders(h http.Header) map[string]string {
	out := map[string]string{}
	for name, vs := range h {
		if folded := foldName(name); strings.HasPrefix(folded, "x-lockbox-") {
			out[folded] = strings.Join(vs, ",")
		}
	}
	return out
}

// foldName lowercases a header name and reads '_' and '.' as '-'.
func foldName(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '.' {
			return '-'
		}
		return r
	}, strings.ToLower(name))
}

// cookieNames lists the cookie names of a request's headers.
func cookieNames(h http.Header) []string {
	r := &http.Request{Header: h}
	var names []string
	for _, c := range r.Cookies() {
		names = append(names, c.Name)
	}
	slices.Sort(names)
	return names
}
