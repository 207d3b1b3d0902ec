package caddymodule_test

import (
	"net/http"
	"strings"
	"testing"
)

// framingCases are requests framed in ways that could make two servers
// read different requests, and what Go's HTTP server, in front of
// Lockbox, makes of them. handled means the request reaches handlers
// (Lockbox, then the app), rewritten as body and header say; otherwise
// Go answers status itself.
var framingCases = []struct {
	name    string
	head    []string
	body    string
	status  int
	handled bool
	// body and X-Note the app receives when handled.
	appBody, appNote string
}{
	{name: "Content-Length and Transfer-Encoding", head: []string{"Content-Length: 4", "Transfer-Encoding: chunked"},
		body: "5\r\nhello\r\n0\r\n\r\n", status: http.StatusOK, handled: true, appBody: "hello"},
	{name: "Transfer-Encoding and Content-Length", head: []string{"Transfer-Encoding: chunked", "Content-Length: 40"},
		body: "5\r\nhello\r\n0\r\n\r\n", status: http.StatusOK, handled: true, appBody: "hello"},
	{name: "obs-fold", head: []string{"Content-Length: 5", "X-Note: first", " second"},
		body: "hello", status: http.StatusOK, handled: true, appBody: "hello", appNote: "first second"},
	{name: "obs-fold hiding an identity header", head: []string{"Content-Length: 5", "X-Note: first", "\tX-Lockbox-Tenant: globex"},
		body: "hello", status: http.StatusOK, handled: true, appBody: "hello", appNote: "first X-Lockbox-Tenant: globex"},
	{name: "two different Content-Lengths", head: []string{"Content-Length: 5", "Content-Length: 6"}, body: "hello!", status: http.StatusBadRequest},
	{name: "Transfer-Encoding twice", head: []string{"Transfer-Encoding: chunked", "Transfer-Encoding: chunked"},
		body: "5\r\nhello\r\n0\r\n\r\n", status: http.StatusNotImplemented},
	{name: "Transfer-Encoding other than chunked", head: []string{"Transfer-Encoding: gzip, chunked"},
		body: "5\r\nhello\r\n0\r\n\r\n", status: http.StatusNotImplemented},
	{name: "Transfer-Encoding with a space in the name", head: []string{"Transfer-Encoding : chunked"},
		body: "5\r\nhello\r\n0\r\n\r\n", status: http.StatusBadRequest},
}

// TestEdgeFramingWhatGoLetsLockboxSee records, through a real Caddy, what
// Go's server does with ambiguous framing before any handler runs: it
// refuses the conflicting forms itself, and for Content-Length with
// Transfer-Encoding it deletes Content-Length and reads the body chunked
// (RFC 9112 6.3), and it joins an obs-folded line into the previous
// value with a space. The handler gets the same *http.Request as for a
// well-framed request, so Lockbox cannot tell the two apart and refuse
// only one; Caddy then sends the app a request framed anew, so the app
// reads the same request as Lockbox. The connection stays open, which
// the second request on it shows. If Go ever passed these through
// differently, this test fails and the gateway must act on them.
func TestEdgeFramingWhatGoLetsLockboxSee(t *testing.T) {
	t.Parallel()
	e := newEdgeEnv(t, nil, nil)
	for _, tt := range framingCases {
		for _, who := range []struct{ name, cookie string }{{"ordinary", "X-Ordinary: 1"}, {"agent", e.cookie}} {
			t.Run(tt.name+"/"+who.name, func(t *testing.T) {
				hits := e.app.hits()
				c := dialRaw(t, e.gw.site)
				host := strings.TrimPrefix(e.gw.site, "http://")
				c.send("POST /upload HTTP/1.1\r\nHost: " + host + "\r\n" + who.cookie + "\r\n" + strings.Join(tt.head, "\r\n") + "\r\n\r\n" + tt.body)
				p := c.read("POST")
				if p.status != tt.status {
					t.Fatalf("%s, want %d", p.summary(), tt.status)
				}
				if !tt.handled {
					if e.app.hits() != hits {
						t.Fatalf("Go refused it, yet the app got %+v", e.app.last(t))
					}
					return
				}
				got := e.app.last(t)
				if got.Body != tt.appBody || got.Header.Get("X-Note") != tt.appNote || len(got.Header["Content-Length"]) > 1 {
					t.Fatalf("the app got body %q, X-Note %q, headers %v", got.Body, got.Header.Get("X-Note"), got.Header)
				}
				if ids := lockboxHeaders(got.Header); who.name == "agent" && ids["x-lockbox-tenant"] != "acme" || who.name == "ordinary" && len(ids) != 0 {
					t.Fatalf("identity headers at the app: %v", ids)
				}
				c.send("GET /second HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
				if second := c.read("GET"); second.status != http.StatusOK || e.app.last(t).URI != "/second" {
					t.Fatalf("the second request on the connection: %s", second.summary())
				}
			})
		}
	}
}
