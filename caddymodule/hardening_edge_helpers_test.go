package caddymodule_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/h2c"
	"golang.org/x/net/websocket"
)

// edgeEnv is one `lockbox run` in front of an edgeApp, with bob signed in
// and in tenant acme.
type edgeEnv struct {
	gw  *gatewayProc
	app *edgeApp
	bob *agentBrowser
	// cookie is bob's Cookie header line.
	cookie string
}

// newEdgeEnv starts the identity provider, the app and a gateway (letting
// in the '_' and '.' names given, as expected_*_headers), then signs bob in
// and enters acme.
func newEdgeEnv(t *testing.T, underscore, dot []string) *edgeEnv {
	t.Helper()
	e := &edgeEnv{app: startEdgeApp(t), gw: newGatewayProc(t, lockboxBinary(t))}
	idp := startIdP(t, []*gatewayProc{e.gw})
	e.gw.launch(siteConfig{Admin: e.gw.admin, Port: e.gw.port, Storage: "bolt " + filepath.Join(t.TempDir(), "lockbox.db"),
		IdP: idp.Issuer(), Upstream: e.app.hostport(), Underscore: underscore, Dot: dot})
	e.gw.grant("acme", "--for", "1d", "--scopes", "read,write")
	e.bob = newAgentBrowser(t, e.gw.site)
	e.bob.loginConsole("bob")
	e.bob.enter("acme")
	e.cookie = "Cookie: " + e.bob.cookieHeader()
	return e
}

// edgeApp is an upstream that speaks every protocol a client could try
// to reach through Lockbox: HTTP/1.1 with trailers, WebSocket at /ws, and
// h2c upgrades. It records what reaches it.
type edgeApp struct {
	srv *httptest.Server

	mu   sync.Mutex
	seen []edgeSeen
}

// edgeSeen is what the app received of one request.
type edgeSeen struct {
	Method  string      `json:"method"`
	URI     string      `json:"uri"`
	Proto   string      `json:"proto"`
	Header  http.Header `json:"header"`
	Trailer http.Header `json:"trailer"`
	Body    string      `json:"body"`
}

func startEdgeApp(t *testing.T) *edgeApp {
	t.Helper()
	a := &edgeApp{}
	mux := http.NewServeMux()
	// The WebSocket endpoint accepts any Origin, as many apps do, so only
	// Lockbox stands between a foreign page and the agent's session.
	ws := websocket.Server{
		Handshake: func(*websocket.Config, *http.Request) error { return nil },
		Handler:   func(c *websocket.Conn) { _, _ = io.Copy(c, c) },
	}
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		a.record(edgeSeen{Method: r.Method, URI: r.RequestURI, Proto: r.Proto, Header: r.Header.Clone()})
		ws.ServeHTTP(w, r)
	})
	mux.HandleFunc("/", a.echo)
	a.srv = httptest.NewServer(lenientH2C(h2c.NewHandler(mux, &http2.Server{})))
	t.Cleanup(a.srv.Close)
	return a
}

// lenientH2C lets an h2c upgrade through without "HTTP2-Settings" in
// Connection, as servers that skip that check do: Caddy's reverse proxy
// rewrites Connection to "Upgrade" for every upgrade it passes on.
func lenientH2C(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "h2c") && r.Header.Get("Http2-Settings") != "" {
			r.Header.Add("Connection", "HTTP2-Settings")
		}
		h.ServeHTTP(w, r)
	})
}

// echo answers with what it received, trailers included, as JSON.
func (a *edgeApp) echo(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	got := edgeSeen{Method: r.Method, URI: r.RequestURI, Proto: r.Proto, Header: r.Header.Clone(), Trailer: r.Trailer.Clone(), Body: string(body)}
	a.record(got)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(got)
}

func (a *edgeApp) record(s edgeSeen) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seen = append(a.seen, s)
}

func (a *edgeApp) hostport() string { return strings.TrimPrefix(a.srv.URL, "http://") }

// hits is how many requests reached the app so far.
func (a *edgeApp) hits() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.seen)
}

// last is the last request that reached the app.
func (a *edgeApp) last(t *testing.T) edgeSeen {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.seen) == 0 {
		t.Fatal("nothing reached the app")
	}
	return a.seen[len(a.seen)-1]
}

// rawConn is a plain TCP connection to a gateway, for requests written
// byte for byte.
type rawConn struct {
	t    *testing.T
	conn net.Conn
	br   *bufio.Reader
}

func dialRaw(t *testing.T, base string) *rawConn {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialTimeout("tcp", u.Host, runTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(runTimeout))
	return &rawConn{t: t, conn: conn, br: bufio.NewReader(conn)}
}

// send writes s as it is.
func (c *rawConn) send(s string) {
	c.t.Helper()
	if _, err := io.WriteString(c.conn, s); err != nil {
		c.t.Fatal(err)
	}
}

// read reads one response to a request of method and its body.
func (c *rawConn) read(method string) reply {
	c.t.Helper()
	resp, err := http.ReadResponse(c.br, &http.Request{Method: method})
	if err != nil {
		c.t.Fatalf("reading the response: %v", err)
	}
	defer resp.Body.Close()
	var data []byte
	if resp.StatusCode != http.StatusSwitchingProtocols {
		if data, err = io.ReadAll(resp.Body); err != nil {
			c.t.Fatal(err)
		}
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: string(data)}
}

// rawExchange sends one request written by hand on a new connection and
// reads the response.
func rawExchange(t *testing.T, base, method, head string, lines []string, body string) reply {
	t.Helper()
	c := dialRaw(t, base)
	u, _ := url.Parse(base)
	msg := head + "\r\nHost: " + u.Host + "\r\n"
	for _, l := range lines {
		msg += l + "\r\n"
	}
	c.send(msg + "\r\n" + body)
	return c.read(method)
}
