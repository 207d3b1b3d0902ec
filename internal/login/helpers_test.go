package login_test

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/devidp"
	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

const (
	clientID     = "lockbox"
	clientSecret = "dev-secret"
	callbackPath = "/_lockbox/callback"
)

// testRoles are the roles of the example configuration, over the
// development provider's groups.
var testRoles = []login.Role{
	{Name: "support", Groups: []string{"support"}, Scopes: []string{"read"}},
	{Name: "operations", Groups: []string{"customer-ops"}, Scopes: []string{"read", "write", "pii"}},
	{Name: "oncall", Groups: []string{"sec-oncall"}, Scopes: []string{"read", "write"}, BreakGlass: time.Hour},
}

// options vary a harness.
type options struct {
	tls          bool             // serve the relying party over HTTPS
	issuer       string           // use this issuer and start no provider
	store        store.Store      // nil: a fresh bbolt file
	now          func() time.Time // the relying party's clock
	timeout      time.Duration    // provider call timeout
	extraClients []devidp.Client  // more clients at the provider
	users        []devidp.User    // the provider's users; nil for the default ones
	site         string           // Config.Site; "rp" for the relying party's own /_lockbox
	configure    func(*login.Config)
}

// harness is a relying party (an httptest server around a Service) and,
// unless options.issuer is set, a development provider on 127.0.0.1.
type harness struct {
	t     *testing.T
	rp    *httptest.Server
	idp   *devidp.Server
	svc   *login.Service
	store store.Store
	// swapIDToken, when set, replaces the id_token of the provider's token
	// responses on their way to the relying party.
	swapIDToken atomic.Pointer[string]
}

// newHarness starts a relying party and, by default, a provider.
func newHarness(t *testing.T, o options) *harness {
	t.Helper()
	h := &harness{t: t, store: o.store}
	if h.store == nil {
		h.store = testkit.Bolt(t)
	}
	h.rp = httptest.NewUnstartedServer(http.HandlerFunc(h.serve))
	if o.tls {
		h.rp.StartTLS()
	} else {
		h.rp.Start()
	}
	t.Cleanup(h.rp.Close)
	issuer := o.issuer
	if issuer == "" {
		cfg := h.idpConfig(o.extraClients)
		cfg.Users = o.users
		h.idp = startIdP(t, "127.0.0.1:0", cfg)
		issuer = h.idp.Issuer()
	}
	cfg := login.Config{
		Issuer:       issuer,
		ClientID:     clientID,
		ClientSecret: clientSecret,
		Roles:        testRoles,
		Now:          o.now,
		Timeout:      o.timeout,
		HTTPClient:   &http.Client{Transport: &swapper{h: h}},
	}
	if o.site == "rp" {
		cfg.Site = h.rp.URL + "/_lockbox"
	} else {
		cfg.Site = o.site
	}
	if o.configure != nil {
		o.configure(&cfg)
	}
	svc, err := login.New(cfg, h.store)
	if err != nil {
		t.Fatalf("login.New: %v", err)
	}
	h.svc = svc
	return h
}

// idpConfig registers the relying party (and extra clients) at a provider.
func (h *harness) idpConfig(extra []devidp.Client) devidp.Config {
	return devidp.Config{
		Clients: append([]devidp.Client{{
			ID: clientID, Secret: clientSecret, RedirectURIs: []string{h.callbackURL()},
		}}, extra...),
		Logger: slog.New(slog.DiscardHandler),
	}
}

// callbackURL is the relying party's registered redirect URI.
func (h *harness) callbackURL() string { return h.rp.URL + callbackPath }

// startIdP starts a development provider and stops it when the test ends.
func startIdP(t *testing.T, addr string, cfg devidp.Config) *devidp.Server {
	t.Helper()
	srv, err := devidp.Start(addr, cfg)
	if err != nil {
		t.Fatalf("devidp.Start: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// serve is the relying party: the routes a handler would give the
// Service, answering JSON so tests can read the outcome.
func (h *harness) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/_lockbox/login":
		if err := h.svc.Begin(r.Context(), w, r, h.callbackURL(), r.URL.Query().Get("return_to")); err != nil {
			writeError(w, err)
		}
	case callbackPath:
		res, err := h.svc.Finish(r.Context(), w, r, h.callbackURL())
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, res)
	case "/_lockbox/whoami":
		sess, err := h.svc.Sessions().Get(r.Context(), r)
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, sess)
	case "/_lockbox/logout":
		if err := h.svc.Sessions().Destroy(r.Context(), w, r); err != nil {
			writeError(w, err)
		}
	default:
		http.NotFound(w, r)
	}
}

// writeError answers the problem's status and code.
func writeError(w http.ResponseWriter, err error) {
	if errors.Is(err, login.ErrNoSession) {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"code": "no_session"})
		return
	}
	p := problem.As(err)
	cause := ""
	if p.Cause != nil {
		cause = p.Cause.Error()
	}
	// The cause is for the test to check which check refused; a real
	// handler logs it and never shows it.
	writeJSON(w, problem.Status(err), map[string]string{"code": p.Code, "message": p.Message, "cause": cause})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// swapper is the relying party's transport to the provider: it passes
// requests on and, when the harness says so, swaps the ID token in token
// responses, as a compromised or confused token endpoint could.
type swapper struct{ h *harness }

func (s *swapper) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	swap := s.h.swapIDToken.Load()
	if err != nil || swap == nil || !strings.HasSuffix(req.URL.Path, "/oauth/token") {
		return resp, err
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, err
	}
	body["id_token"] = *swap
	b, _ := json.Marshal(body)
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// browser is a cookie-keeping client that follows redirects until the
// provider sends it back to a client with a code or an error; there it
// stops, so a test decides what to do with the callback URL.
type browser struct {
	t      *testing.T
	client *http.Client
	jar    *cookiejar.Jar
	// visited lists every URL requested, in order.
	visited []*url.URL
}

func newBrowser(t *testing.T, h *harness) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, jar: jar}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	if h != nil && h.rp.TLS != nil {
		transport.TLSClientConfig = &tls.Config{RootCAs: h.rp.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs}
	}
	b.client = &http.Client{
		Jar:       jar,
		Transport: transport,
		Timeout:   10 * time.Second,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			b.visited = append(b.visited, req.URL)
			if isClientCallback(req.URL) {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
	return b
}

// isClientCallback reports whether u is a provider's redirect back to a
// client: it has a state and a code or an error, and is no authorization
// request.
func isClientCallback(u *url.URL) bool {
	q := u.Query()
	return q.Has("state") && (q.Has("code") || q.Has("error")) && !q.Has("client_id")
}

// get requests u and returns the final response with its body read.
func (b *browser) get(u string) (*http.Response, string) {
	b.t.Helper()
	return b.do(http.MethodGet, u, nil)
}

func (b *browser) do(method, u string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	b.visited = append(b.visited, req.URL)
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp, string(data)
}

// requestIDPattern finds the auth request id in the provider's login form.
var requestIDPattern = regexp.MustCompile(`name="id" value="([^"]+)"`)

// pending is a login sent to the provider's login page.
type pending struct {
	authURL *url.URL // the authorization request
	page    *url.URL // the login page
	id      string   // the provider's auth request id
}

func (p pending) state() string { return p.authURL.Query().Get("state") }
func (p pending) nonce() string { return p.authURL.Query().Get("nonce") }

// begin opens the relying party's login route and follows it to the
// provider's login page.
func (b *browser) begin(h *harness, returnTo string) pending {
	b.t.Helper()
	u := h.rp.URL + "/_lockbox/login"
	if returnTo != "" {
		u += "?" + url.Values{"return_to": {returnTo}}.Encode()
	}
	return b.openLoginPage(u)
}

// openLoginPage requests u and expects to land on a provider login page.
func (b *browser) openLoginPage(u string) pending {
	b.t.Helper()
	start := len(b.visited)
	resp, body := b.get(u)
	m := requestIDPattern.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		b.t.Fatalf("expected the provider's login page, got %d: %.300s", resp.StatusCode, body)
	}
	p := pending{page: resp.Request.URL, id: html.UnescapeString(m[1])}
	for _, v := range b.visited[start:] {
		if v.Query().Has("client_id") && v.Query().Has("state") {
			p.authURL = v
		}
	}
	if p.authURL == nil {
		b.t.Fatal("no authorization request was made")
	}
	return p
}

// signIn submits the login form as user (password = username) and
// returns the callback URL the provider sends the browser to.
func (b *browser) signIn(p pending, user string) string {
	b.t.Helper()
	action := p.page.ResolveReference(&url.URL{Path: "login"})
	resp, body := b.do(http.MethodPost, action.String(), url.Values{
		"id": {p.id}, "username": {user}, "password": {user},
	})
	loc, err := resp.Location()
	if resp.StatusCode/100 != 3 || err != nil || !isClientCallback(loc) {
		b.t.Fatalf("sign-in as %s did not come back to the client: %d %.300s", user, resp.StatusCode, body)
	}
	return loc.String()
}

// outcome is the relying party's answer on the callback.
type outcome struct {
	status int
	code   string
	cause  string
	result login.Result
	resp   *http.Response
}

// callback opens the relying party's callback URL.
func (b *browser) callback(u string) outcome {
	b.t.Helper()
	resp, body := b.get(u)
	o := outcome{status: resp.StatusCode, resp: resp}
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal([]byte(body), &o.result); err != nil {
			b.t.Fatalf("callback answer %q: %v", body, err)
		}
		return o
	}
	var e struct{ Code, Cause string }
	_ = json.Unmarshal([]byte(body), &e)
	o.code, o.cause = e.Code, e.Cause
	return o
}

// login runs a whole login as user and returns the callback outcome.
func (b *browser) login(h *harness, user string) outcome {
	b.t.Helper()
	return b.callback(b.signIn(b.begin(h, ""), user))
}

// whoami asks the relying party for the browser's agent session.
func (b *browser) whoami(h *harness) (int, login.AgentSession) {
	b.t.Helper()
	resp, body := b.get(h.rp.URL + "/_lockbox/whoami")
	var s login.AgentSession
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal([]byte(body), &s); err != nil {
			b.t.Fatal(err)
		}
	}
	return resp.StatusCode, s
}

// cookie returns the value of the browser's cookie name for the relying
// party, or "".
func (b *browser) cookie(h *harness, name string) string {
	u, _ := url.Parse(h.rp.URL)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// setCookie puts a cookie for the relying party in the browser's jar.
func (b *browser) setCookie(h *harness, name, value string) {
	u, _ := url.Parse(h.rp.URL)
	b.jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// hashHex is the hex SHA-256 the package keys records by.
func hashHex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// expect fails the test unless o has the status and problem code.
func expect(t *testing.T, o outcome, status int, code string) {
	t.Helper()
	if o.status != status || o.code != code {
		t.Fatalf("callback = %d %q (%s), want %d %q", o.status, o.code, o.cause, status, code)
	}
}

// callbackMessage opens the callback URL u and returns the outcome with
// the problem's message.
func (b *browser) callbackMessage(u string) (outcome, string) {
	b.t.Helper()
	resp, body := b.get(u)
	var e struct{ Code, Message, Cause string }
	_ = json.Unmarshal([]byte(body), &e)
	return outcome{status: resp.StatusCode, code: e.Code, cause: e.Cause, resp: resp}, e.Message
}

// queryOf parses the query of URL u.
func queryOf(t *testing.T, u string) url.Values {
	t.Helper()
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return parsed.Query()
}
