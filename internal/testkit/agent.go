package testkit

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// AgentTimeout bounds one request of an AgentBrowser, the redirects it
// follows included: a sign-in passes through the provider and the
// gateway, on a machine busy with other tests.
const AgentTimeout = 30 * time.Second

// AgentBrowser is a support agent's browser on one gateway: it keeps
// cookies, signs in through the development identity provider's form and
// uses the console's forms. Its fields are open so a test can do what a
// browser can (share a jar between two sites of a host, dial elsewhere).
type AgentBrowser struct {
	t    testing.TB
	Base string // the gateway, http://127.0.0.1:<port>
	Jar  http.CookieJar
	// Follow follows redirects; Stay does not. They share Jar and one
	// transport.
	Follow, Stay *http.Client
}

// NewAgentBrowser returns a browser on the gateway at base, with no
// cookies yet.
func NewAgentBrowser(t testing.TB, base string) *AgentBrowser {
	t.Helper()
	stay := Browser(t)
	stay.Timeout = AgentTimeout
	follow := &http.Client{Jar: stay.Jar, Transport: stay.Transport, Timeout: stay.Timeout}
	return &AgentBrowser{t: t, Base: base, Jar: stay.Jar, Follow: follow, Stay: stay}
}

// ShareJar makes b keep its cookies in other's jar, as one browser does
// for two sites on one host: cookies belong to a host, not a port.
func (b *AgentBrowser) ShareJar(other *AgentBrowser) {
	b.Jar = other.Jar
	b.Follow.Jar, b.Stay.Jar = other.Jar, other.Jar
}

// Call is one request for an AgentBrowser to send.
type Call struct {
	Method string      // "": GET
	URL    string      // a path on the gateway, or an absolute URL
	Form   url.Values  // sent url-encoded
	Header http.Header // set as given, names not canonicalised
	Follow bool        // follow redirects
	// Origin is the Origin of a POST, as a browser sends it: "" the
	// target's own, "-" none.
	Origin string
}

// Page is an answer with its body read.
type Page struct {
	Status int
	Header http.Header
	Body   string
	URL    *url.URL // the URL that answered last
}

// Do sends c and reads the answer; a request that cannot be sent fails
// the test.
func (b *AgentBrowser) Do(c Call) Page {
	b.t.Helper()
	if c.Method == "" {
		c.Method = http.MethodGet
	}
	if !strings.HasPrefix(c.URL, "http://") && !strings.HasPrefix(c.URL, "https://") {
		c.URL = b.Base + c.URL
	}
	var body io.Reader
	if c.Form != nil {
		body = strings.NewReader(c.Form.Encode())
	}
	req, err := http.NewRequest(c.Method, c.URL, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if c.Form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.Method == http.MethodPost {
		switch c.Origin {
		case "":
			req.Header.Set("Origin", req.URL.Scheme+"://"+req.URL.Host)
		case "-":
		default:
			req.Header.Set("Origin", c.Origin)
		}
	}
	for k, v := range c.Header {
		req.Header[k] = v
	}
	client := b.Stay
	if c.Follow {
		client = b.Follow
	}
	resp, err := client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", c.Method, c.URL, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return Page{Status: resp.StatusCode, Header: resp.Header, Body: string(data), URL: resp.Request.URL}
}

// Get requests u without following redirects.
func (b *AgentBrowser) Get(u string) Page { return b.Do(Call{URL: u}) }

var providerRequestID = regexp.MustCompile(`name="id" value="([^"]+)"`)

// SignInForm starts at the gateway's login route, follows it to the
// development provider's login page and returns the POST of that page's
// form signing user in (the password is the username), not yet sent.
func (b *AgentBrowser) SignInForm(user string) Call {
	b.t.Helper()
	p := b.Do(Call{URL: "/_lockbox/login", Follow: true})
	m := providerRequestID.FindStringSubmatch(p.Body)
	if p.Status != http.StatusOK || m == nil || !strings.Contains(p.Body, "Development identity provider") {
		b.t.Fatalf("expected the identity provider's login page, got %d at %s: %.400s", p.Status, p.URL, p.Body)
	}
	action := p.URL.ResolveReference(&url.URL{Path: "login"})
	return Call{Method: http.MethodPost, URL: action.String(), Form: url.Values{
		"id": {html.UnescapeString(m[1])}, "username": {user}, "password": {user},
	}}
}

// Login signs in as user and follows the redirects back; it returns the
// last page.
func (b *AgentBrowser) Login(user string) Page {
	b.t.Helper()
	c := b.SignInForm(user)
	c.Follow = true
	return b.Do(c)
}

// LoginConsole signs in as user and expects to land on the console.
func (b *AgentBrowser) LoginConsole(user string) Console {
	b.t.Helper()
	p := b.Login(user)
	if p.Status != http.StatusOK || p.URL.Path != "/_lockbox/" {
		b.t.Fatalf("login as %s ended at %s with %d: %.400s", user, p.URL, p.Status, p.Body)
	}
	return ParseConsole(b.t, p.Body)
}

// Console opens the console and parses it.
func (b *AgentBrowser) Console() Console {
	b.t.Helper()
	p := b.Get("/_lockbox/")
	if p.Status != http.StatusOK {
		b.t.Fatalf("console: %d %.400s", p.Status, p.Body)
	}
	return ParseConsole(b.t, p.Body)
}

// Enter submits the console's Enter form of tenant, with the CSRF token
// from the page, and expects the redirect to the landing page.
func (b *AgentBrowser) Enter(tenant string) {
	b.t.Helper()
	c := b.Console()
	if _, ok := c.Tenants[tenant]; !ok {
		b.t.Fatalf("the console offers no %s to enter: %+v", tenant, c)
	}
	p := b.Do(Call{Method: http.MethodPost, URL: "/_lockbox/sessions", Form: url.Values{"csrf": {c.CSRF}, "tenant": {tenant}}})
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/" {
		b.t.Fatalf("entering %s: %d %q %.400s", tenant, p.Status, p.Header.Get("Location"), p.Body)
	}
}

// SetCookie puts a cookie into the jar for the gateway, as the app would.
func (b *AgentBrowser) SetCookie(name, value string) {
	b.Jar.SetCookies(b.baseURL(), []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// Cookie is the value of the cookie name the browser holds for its
// gateway, or "".
func (b *AgentBrowser) Cookie(name string) string {
	for _, c := range b.Jar.Cookies(b.baseURL()) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// CookieHeader is the Cookie header the browser sends its gateway.
func (b *AgentBrowser) CookieHeader() string {
	var parts []string
	for _, c := range b.Jar.Cookies(b.baseURL()) {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

func (b *AgentBrowser) baseURL() *url.URL {
	u, err := url.Parse(b.Base)
	if err != nil {
		b.t.Fatal(err)
	}
	return u
}
