package gateway_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestEdgeRefusesUpgradesButWebSocket(t *testing.T) {
	e := newEnv(t, options{})
	gw := e.insts[0].gw.Load()
	tests := []struct {
		name    string
		path    string
		upgrade []string
		status  int // 0: passed on
	}{
		{"h2c", "/x", []string{"h2c"}, http.StatusBadRequest},
		{"h2c on Lockbox's own route", "/_lockbox/", []string{"h2c"}, http.StatusBadRequest},
		{"websocket then h2c", "/x", []string{"websocket, h2c"}, http.StatusBadRequest},
		{"second line", "/x", []string{"websocket", "H2C"}, http.StatusBadRequest},
		{"websocket", "/x", []string{"websocket"}, 0},
		{"none", "/x", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1"+tt.path, nil)
			r.Header = browserHeaders()
			if tt.upgrade != nil {
				r.Header["Upgrade"] = tt.upgrade
				r.Header["Connection"] = []string{"Upgrade, HTTP2-Settings"}
			}
			r.Header["Http2-Settings"] = []string{"AAMAAABkAARAAAAAAAIAAAAA"}
			w := httptest.NewRecorder()
			var passed *http.Request
			if err := gw.ServeHTTP(w, r, func(_ http.ResponseWriter, r *http.Request) error { passed = r; return nil }); err != nil {
				t.Fatal(err)
			}
			if tt.status != 0 {
				if w.Code != tt.status || passed != nil || !strings.Contains(w.Body.String(), "only WebSocket") {
					t.Fatalf("got %d, passed on: %v", w.Code, passed != nil)
				}
				return
			}
			if passed == nil {
				t.Fatalf("refused with %d", w.Code)
			}
			if _, ok := passed.Header["Http2-Settings"]; ok {
				t.Fatal("HTTP2-Settings passed on")
			}
		})
	}
}

// trailerSeen is what the handler after the gateway saw of a request.
type trailerSeen struct {
	reached bool
	body    string
	trailer http.Header
}

// trailerSite serves the gateway in a real net/http server, with a next
// handler that reads the body to its end and records the trailers, as
// the reverse proxy would forward them.
func trailerSite(t *testing.T, e *env) (string, func() trailerSeen) {
	var mu sync.Mutex
	var seen trailerSeen
	next := func(w http.ResponseWriter, r *http.Request) error {
		b, err := io.ReadAll(r.Body)
		mu.Lock()
		seen = trailerSeen{reached: true, body: string(b), trailer: r.Trailer.Clone()}
		mu.Unlock()
		if err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = trailerSeen{}
		mu.Unlock()
		if err := e.insts[0].gw.Load().ServeHTTP(w, r, next); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String(), func() trailerSeen {
		mu.Lock()
		defer mu.Unlock()
		return seen
	}
}

// sendChunked sends a chunked POST with the Trailer header declared (if
// not empty) and the trailer lines, and returns the status.
func sendChunked(t *testing.T, addr, declared string, extra []string, trailers ...string) int {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	msg := "POST /upload HTTP/1.1\r\nHost: " + addr + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n"
	if declared != "" {
		msg += "Trailer: " + declared + "\r\n"
	}
	for _, l := range extra {
		msg += l + "\r\n"
	}
	msg += "\r\n5\r\nhello\r\n0\r\n"
	for _, l := range trailers {
		msg += l + "\r\n"
	}
	if _, err := io.WriteString(conn, msg+"\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestEdgeTrailers(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", 24*time.Hour, "read", "write")
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	b.enter("acme")
	addr, seen := trailerSite(t, e)
	for _, who := range []struct {
		name  string
		extra []string
	}{{"ordinary", nil}, {"agent", []string{"Cookie: lockbox=" + b.cookie()}}} {
		t.Run(who.name+"/declared", func(t *testing.T) {
			for _, declared := range []string{"X-Lockbox-Tenant", "x_lockbox_scopes", "X-Checksum, X.LOCKBOX.PII"} {
				if code := sendChunked(t, addr, declared, who.extra, "X-Lockbox-Tenant: globex"); code != http.StatusBadRequest || seen().reached {
					t.Errorf("Trailer: %s: %d, reached next: %v", declared, code, seen().reached)
				}
			}
		})
		t.Run(who.name+"/undeclared", func(t *testing.T) {
			code := sendChunked(t, addr, "X-Checksum", who.extra, "X-Checksum: abc", "X-Lockbox-Tenant: globex", "x-lockbox-token: forged")
			got := seen()
			if code != http.StatusNoContent || got.body != "hello" || got.trailer.Get("X-Checksum") != "abc" {
				t.Fatalf("%d, next saw %+v", code, got)
			}
			if ids := lockboxHeaders(got.trailer); len(ids) != 0 {
				t.Fatalf("identity trailers after the body: %v", ids)
			}
		})
		t.Run(who.name+"/nothing declared", func(t *testing.T) {
			code := sendChunked(t, addr, "", who.extra, "X-Lockbox-Tenant: globex")
			got := seen()
			if code != http.StatusNoContent || got.body != "hello" {
				t.Fatalf("%d, next saw %+v", code, got)
			}
			if ids := lockboxHeaders(got.trailer); len(ids) != 0 {
				t.Fatalf("identity trailers after the body: %v", ids)
			}
		})
	}
}
