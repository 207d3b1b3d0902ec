package caddymodule_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/testkit"
	"golang.org/x/net/websocket"
)

// h2cSettings is an HTTP2-Settings value: an empty SETTINGS payload.
const h2cSettings = "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA"

// upgradeAttempts ask to switch a connection to something other than
// WebSocket; each one must be refused before it reaches the app.
var upgradeAttempts = []struct {
	name  string
	lines []string
}{
	{"h2c", []string{"Upgrade: h2c", h2cSettings, "Connection: Upgrade, HTTP2-Settings"}},
	{"h2c upper case", []string{"Upgrade: H2C", h2cSettings, "Connection: Upgrade, HTTP2-Settings"}},
	{"h2c with Connection: Upgrade only", []string{"Upgrade: h2c", h2cSettings, "Connection: Upgrade"}},
	{"h2c after websocket", []string{"Upgrade: websocket, h2c", h2cSettings, "Connection: Upgrade, HTTP2-Settings"}},
	{"h2c on a second line", []string{"Upgrade: websocket", "Upgrade: h2c", h2cSettings, "Connection: Upgrade"}},
	{"another protocol", []string{"Upgrade: TLS/1.2", "Connection: Upgrade"}},
	{"a versioned websocket", []string{"Upgrade: websocket/13", "Connection: Upgrade"}},
}

func TestEdgeRefusesUpgradesOtherThanWebSocket(t *testing.T) {
	t.Parallel()
	e := newEdgeEnv(t, nil, nil)
	for _, tt := range upgradeAttempts {
		for _, who := range []struct{ name, cookie string }{{"ordinary", "X-Ordinary: 1"}, {"agent", e.cookie}} {
			t.Run(tt.name+"/"+who.name, func(t *testing.T) {
				hits := e.app.hits()
				p := rawExchange(t, e.gw.site, "GET", "GET /x HTTP/1.1", append([]string{who.cookie}, tt.lines...), "")
				wantRefusal(t, "the upgrade", p, http.StatusBadRequest, "only WebSocket is allowed")
				if e.app.hits() != hits {
					t.Fatalf("the upgrade reached the app: %+v", e.app.last(t))
				}
			})
		}
	}
	t.Run("HTTP2-Settings alone", func(t *testing.T) {
		p := rawExchange(t, e.gw.site, "GET", "GET /x HTTP/1.1", []string{h2cSettings, "Connection: close"}, "")
		if p.status != http.StatusOK || e.app.last(t).Header.Get("Http2-Settings") != "" {
			t.Fatalf("%s; the app got %v", p.summary(), e.app.last(t).Header)
		}
	})
	t.Run("websocket goes through", func(t *testing.T) {
		p := rawExchange(t, e.gw.site, "GET", "GET /ws HTTP/1.1", wsHandshake("Origin: "+e.gw.site), "")
		if p.status != http.StatusSwitchingProtocols {
			t.Fatalf("a WebSocket upgrade: %s", p.summary())
		}
	})
}

// wsHandshake is a WebSocket opening handshake's header lines, plus lines.
func wsHandshake(lines ...string) []string {
	return append([]string{"Upgrade: websocket", "Connection: Upgrade",
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"}, lines...)
}

// trailerCases are chunked requests whose trailer section carries
// identity headers. declared is the Trailer header; trailers the trailer
// section. refused ones name an identity header in Trailer; the others
// must reach the app with their other trailers but none of Lockbox's.
var trailerCases = []struct {
	name, declared string
	trailers       []string
	refused        bool
}{
	{"declared", "X-Lockbox-Tenant", []string{"X-Lockbox-Tenant: globex"}, true},
	{"declared lower case", "x-lockbox-scopes", []string{"x-lockbox-scopes: read write pii"}, true},
	{"declared with underscores", "X_Lockbox_Agent", []string{"X-Lockbox-Agent: mallory@evil.example"}, true},
	{"declared second", "X-Checksum, x.lockbox.pii", []string{"X-Checksum: abc", "X-Lockbox-PII: visible"}, true},
	{"undeclared", "X-Checksum", []string{"X-Checksum: abc", "X-Lockbox-Tenant: globex", "x-lockbox-scopes: read write pii"}, false},
	{"undeclared upper case", "X-Checksum", []string{"X-Checksum: abc", "X-LOCKBOX-TOKEN: forged.jwt.value"}, false},
}

func TestEdgeIdentityTrailersNeverReachTheApp(t *testing.T) {
	t.Parallel()
	e := newEdgeEnv(t, nil, nil)
	for _, tt := range trailerCases {
		for _, who := range []struct{ name, cookie string }{{"ordinary", "X-Ordinary: 1"}, {"agent", e.cookie}} {
			t.Run(tt.name+"/"+who.name, func(t *testing.T) {
				hits := e.app.hits()
				lines := []string{who.cookie, "Transfer-Encoding: chunked", "Trailer: " + tt.declared, "Content-Type: text/plain", "Connection: close"}
				body := "5\r\nhello\r\n0\r\n" + strings.Join(tt.trailers, "\r\n") + "\r\n\r\n"
				p := rawExchange(t, e.gw.site, "POST", "POST /upload HTTP/1.1", lines, body)
				if tt.refused {
					wantRefusal(t, "the request", p, http.StatusBadRequest, "trailer")
					if e.app.hits() != hits {
						t.Fatalf("the request reached the app: %+v", e.app.last(t))
					}
					return
				}
				if p.status != http.StatusOK {
					t.Fatalf("%s", p.summary())
				}
				got := e.app.last(t)
				if got.Body != "hello" || got.Trailer.Get("X-Checksum") != "abc" {
					t.Fatalf("the app got body %q trailers %v: the test proves nothing", got.Body, got.Trailer)
				}
				if ids := lockboxHeaders(got.Trailer); len(ids) != 0 {
					t.Fatalf("the app got identity trailers %v", ids)
				}
			})
		}
	}
}

// cookieCases are Cookie lines and what the app must receive of them.
var cookieCases = []struct {
	name  string
	lines []string // Cookie values, one header line each
	want  []string // what reaches the app; nil: no Cookie header
}{
	{"every Lockbox cookie removed, the app's kept",
		[]string{`lockbox-admin=adm1; lockbox-login=bind; app_session=abc; __Host-lockbox=h; __Host-lockbox-admin=x; __Host-lockbox-login=y; lockbox-later=z; theme="dark mode"`},
		[]string{`app_session=abc; theme="dark mode"`}},
	{"only Lockbox cookies", []string{"lockbox-admin=adm1; lockbox-login=bind"}, nil},
	{"the app's own, byte for byte", []string{`a=1;b=%7B%7D;  c=x==; lockboxed=1; my-lockbox=2; Lockbox=3`},
		[]string{`a=1;b=%7B%7D;  c=x==; lockboxed=1; my-lockbox=2; Lockbox=3`}},
	{"several lines", []string{"a=1", "lockbox-admin=adm1", "b=2; lockbox-login=bind"}, []string{"a=1", "b=2"}},
}

func TestEdgeLockboxCookiesNeverReachTheApp(t *testing.T) {
	t.Parallel()
	e := newEdgeEnv(t, nil, nil)
	for _, tt := range cookieCases {
		t.Run(tt.name, func(t *testing.T) {
			var lines []string
			for _, l := range tt.lines {
				lines = append(lines, "Cookie: "+l)
			}
			rawExchange(t, e.gw.site, "GET", "GET /x HTTP/1.1", append(lines, "Connection: close"), "").echo(t)
			if got := e.app.last(t).Header["Cookie"]; !slices.Equal(got, tt.want) {
				t.Fatalf("the app got Cookie %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("agent", func(t *testing.T) {
		rawExchange(t, e.gw.site, "GET", "GET /x HTTP/1.1",
			[]string{e.cookie + "; lockbox-admin=adm1; app_session=abc; __Host-lockbox-login=y", "Connection: close"}, "").echo(t)
		got := e.app.last(t)
		if got.Header.Get("X-Lockbox-Tenant") != "acme" || !slices.Equal(got.Header["Cookie"], []string{"app_session=abc"}) {
			t.Fatalf("the app got tenant %q and Cookie %q", got.Header.Get("X-Lockbox-Tenant"), got.Header["Cookie"])
		}
	})
}

func TestEdgeAgentWebSocketFromForeignOriginRefused(t *testing.T) {
	t.Parallel()
	e := newEdgeEnv(t, nil, nil)
	own := e.gw.site
	foreign := []struct{ name, lines string }{
		{"another site", "Origin: http://evil.example"},
		{"null", "Origin: null"},
		{"another port", fmt.Sprintf("Origin: http://127.0.0.1:%d", e.gw.port+1)},
		{"another scheme", "Origin: " + strings.Replace(own, "http://", "https://", 1)},
		{"another name of the host", fmt.Sprintf("Origin: http://localhost:%d", e.gw.port)},
		{"a suffix", "Origin: " + own + ".evil.example"},
		{"a path", "Origin: " + own + "/page"},
		{"user info", fmt.Sprintf("Origin: http://evil@127.0.0.1:%d", e.gw.port)},
		{"own and another", "Origin: " + own + "\r\nOrigin: http://evil.example"},
		{"missing", "X-No-Origin: 1"},
	}
	hits := e.app.hits()
	for _, tt := range foreign {
		t.Run(tt.name, func(t *testing.T) {
			p := rawExchange(t, e.gw.site, "GET", "GET /ws HTTP/1.1", wsHandshake(e.cookie, tt.lines), "")
			wantRefusal(t, "the upgrade", p, http.StatusForbidden, "not opened by a page of this site")
		})
	}
	if e.app.hits() != hits {
		t.Fatalf("a refused upgrade reached the app: %+v", e.app.last(t))
	}
	var events []auditEvent
	testkit.EventuallyWithin(t, 10*time.Second, func() bool {
		events = e.gw.audit("acme")
		return countEvents(events, "access.denied", "foreign_origin") == len(foreign)
	}, "%d access.denied (foreign_origin) events: %+v", len(foreign), events)

	t.Run("own origin", func(t *testing.T) {
		cfg, err := websocket.NewConfig(strings.Replace(own, "http://", "ws://", 1)+"/ws", own)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Header.Set("Cookie", strings.TrimPrefix(e.cookie, "Cookie: "))
		ws, err := websocket.DialConfig(cfg)
		if err != nil {
			t.Fatalf("a WebSocket from the site's own page: %v", err)
		}
		defer ws.Close()
		if err := websocket.Message.Send(ws, "ping"); err != nil {
			t.Fatal(err)
		}
		var echo string
		if err := websocket.Message.Receive(ws, &echo); err != nil || echo != "ping" {
			t.Fatalf("echo %q, %v", echo, err)
		}
		if got := e.app.last(t); got.URI != "/ws" || got.Header.Get("X-Lockbox-Tenant") != "acme" {
			t.Fatalf("the app got %s with tenant %q", got.URI, got.Header.Get("X-Lockbox-Tenant"))
		}
	})
	t.Run("ordinary traffic is not an agent's", func(t *testing.T) {
		p := rawExchange(t, e.gw.site, "GET", "GET /ws HTTP/1.1", wsHandshake("Origin: http://evil.example"), "")
		if p.status != http.StatusSwitchingProtocols {
			t.Fatalf("an upgrade without a session: %s", p.summary())
		}
	})
}
