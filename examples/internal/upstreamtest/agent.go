package upstreamtest

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// Recorder is a reverse proxy between the gateway and the app that
// keeps the last X-Lockbox-Token Lockbox sent.
type Recorder struct {
	srv *httptest.Server

	mu    sync.Mutex
	token string
}

// NewRecorder proxies to the app at appURL (http://host:port).
func NewRecorder(t *testing.T, appURL string) *Recorder {
	t.Helper()
	target, err := url.Parse(appURL)
	if err != nil {
		t.Fatal(err)
	}
	rec := &Recorder{}
	proxy := httputil.NewSingleHostReverseProxy(target)
	rec.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := r.Header.Get("X-Lockbox-Token"); tok != "" {
			rec.mu.Lock()
			rec.token = tok
			rec.mu.Unlock()
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(rec.srv.Close)
	return rec
}

// HostPort is the recorder's address, for reverse_proxy.
func (rec *Recorder) HostPort() string { return strings.TrimPrefix(rec.srv.URL, "http://") }

// Token is the last token Lockbox sent to the app.
func (rec *Recorder) Token() string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.token
}

// Grant lets agents into tenant for an hour with read and write, through
// the admin API as an operator would.
func (g *Gateway) Grant(tenant string) {
	t := g.t
	t.Helper()
	body := `{"scopes":["read","write"],"duration":"1h","by":"dana"}`
	resp, err := http.Post("http://"+g.admin+"/lockbox/tenants/"+tenant+"/grants", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("creating a grant: %d %s", resp.StatusCode, out)
	}
}

// Agent is an agent's browser: it keeps cookies and follows redirects.
type Agent struct {
	t      *testing.T
	g      *Gateway
	client *http.Client
}

var (
	idpRequestID = regexp.MustCompile(`name="id" value="([^"]+)"`)
	consoleCSRF  = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
)

// SignIn signs AgentUser in through the identity provider's form and
// enters tenant from the console, as the agent's browser would.
func (g *Gateway) SignIn(tenant string) *Agent {
	t := g.t
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	a := &Agent{t: t, g: g, client: &http.Client{Jar: jar, Timeout: waitFor}}
	page, at := a.do(http.MethodGet, g.Site+"/_lockbox/login", nil)
	m := idpRequestID.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("expected the identity provider's login page at %s: %.400s", at, page)
	}
	login := at.ResolveReference(&url.URL{Path: "login"})
	page, at = a.do(http.MethodPost, login.String(), url.Values{
		"id": {html.UnescapeString(m[1])}, "username": {AgentUser}, "password": {AgentUser},
	})
	m = consoleCSRF.FindStringSubmatch(page)
	if at.Path != "/_lockbox/" || m == nil {
		t.Fatalf("signing in ended at %s without the console: %.400s", at, page)
	}
	// Entering lands on the app's "/", which must accept the real token.
	a.do(http.MethodPost, g.Site+"/_lockbox/sessions", url.Values{"csrf": {html.UnescapeString(m[1])}, "tenant": {tenant}})
	return a
}

// Get requests path on the gateway and returns the status and body.
func (a *Agent) Get(path string) (int, string) {
	a.t.Helper()
	resp, err := a.client.Get(a.g.Site + path)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// do sends a request (a form post when form is not nil), follows the
// redirects and returns the final page and its URL; anything but 200 at
// the end fails the test.
func (a *Agent) do(method, target string, form url.Values) (string, *url.URL) {
	a.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		a.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", req.URL.Scheme+"://"+req.URL.Host)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		a.t.Fatalf("%s %s ended at %s with %d: %.400s", method, target, resp.Request.URL, resp.StatusCode, b)
	}
	return string(b), resp.Request.URL
}
