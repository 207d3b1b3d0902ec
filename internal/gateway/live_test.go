package gateway_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/lockbox-gw/lockbox/internal/gateway"
	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// serveWebSocketEcho is the app's WebSocket: it sends back every message.
func serveWebSocketEcho(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer c.CloseNow()
	for {
		typ, msg, err := c.Read(r.Context())
		if err != nil || c.Write(r.Context(), typ, msg) != nil {
			return
		}
	}
}

// dialWS opens a WebSocket to /ws on base with b's login cookie and checks
// that it echoes; the returned channel gets the time it closed.
func dialWS(t *testing.T, base string, b *browser) <-chan time.Time {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	u := strings.Replace(base, "http://", "ws://", 1) + "/ws"
	c, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: http.Header{"Cookie": {b.cookieHeader()}, "Origin": {base}}})
	if err != nil {
		t.Fatalf("WebSocket to %s: %v", base, err)
	}
	t.Cleanup(func() { _ = c.CloseNow() })
	if err := c.Write(ctx, websocket.MessageText, []byte("hi")); err != nil {
		t.Fatal(err)
	}
	if _, msg, err := c.Read(ctx); err != nil || string(msg) != "hi" {
		t.Fatalf("echo: %q %v", msg, err)
	}
	closed := make(chan time.Time, 1)
	go func() {
		for {
			if _, _, err := c.Read(context.Background()); err != nil {
				closed <- time.Now()
				return
			}
		}
	}()
	return closed
}

// TestLeavingOnOneInstanceClosesWebSocketsOnAnother opens the agent's
// WebSocket on the second instance and ends the session on the first, by
// exit and then by logout: the WebSocket closes, and the end is recorded
// once with its reason.
func TestLeavingOnOneInstanceClosesWebSocketsOnAnother(t *testing.T) {
	for _, how := range []string{store.SessionExit, store.SessionLogout} {
		t.Run(how, func(t *testing.T) {
			e := newEnv(t, options{redis: redistest.Start(t), instances: 2})
			e.grant("acme", 24*time.Hour, "read")
			b := newBrowser(t, e.url())
			b.loginConsole("bob")
			b.enter("acme")
			closed := dialWS(t, e.insts[1].srv.URL, b)

			c := b.console()
			start := time.Now()
			if p := b.post("/_lockbox/"+how, url.Values{"csrf": {c.csrf}}); p.status >= 400 {
				t.Fatalf("%s: %d", how, p.status)
			}
			select {
			case at := <-closed:
				t.Logf("the WebSocket on the other instance closed %s after %s began", at.Sub(start).Round(time.Millisecond), how)
			case <-time.After(time.Second):
				t.Fatalf("the WebSocket on the other instance is still open a second after %s", how)
			}
			ended := e.waitEvents("acme", gateway.EventSessionEnded, 1)
			if r := eventData(t, ended[0])["reason"]; len(ended) != 1 || r != how {
				t.Fatalf("session.ended: %d events, reason %v", len(ended), r)
			}
		})
	}
}
