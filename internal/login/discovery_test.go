package login_test

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// freeAddr returns a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

func TestNewDoesNoNetworkWork(t *testing.T) {
	// An issuer nobody serves: construction must still succeed at once.
	_, err := login.New(login.Config{
		Issuer: "http://" + freeAddr(t), ClientID: clientID, Roles: testRoles,
	}, testkit.Bolt(t))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
}

func TestLoginWaitsForProviderToComeUp(t *testing.T) {
	addr := freeAddr(t)
	h := newHarness(t, options{issuer: "http://" + addr})
	b := newBrowser(t, h)
	resp, body := b.get(h.rp.URL + "/_lockbox/login")
	var e struct{ Code, Message string }
	_ = json.Unmarshal([]byte(body), &e)
	if resp.StatusCode != http.StatusServiceUnavailable || e.Code != login.CodeIdPUnavailable {
		t.Fatalf("login with the provider down = %d %s", resp.StatusCode, body)
	}
	if strings.Contains(e.Message, addr) || strings.Contains(e.Message, "refused") {
		t.Fatalf("the message leaks internals: %s", e.Message)
	}
	h.idp = startIdP(t, addr, h.idpConfig(nil))
	expect(t, b.login(h, "bob"), http.StatusOK, "")
}

func TestUnavailableErrorIsTyped(t *testing.T) {
	svc, err := login.New(login.Config{
		Issuer: "http://" + freeAddr(t), ClientID: clientID, Roles: testRoles,
	}, testkit.Bolt(t))
	if err != nil {
		t.Fatal(err)
	}
	req, w := loopbackRequest(http.MethodGet, "/_lockbox/login")
	err = svc.Begin(t.Context(), w, req, "http://127.0.0.1/_lockbox/callback", "/")
	if !errors.Is(err, login.ErrIdPUnavailable) || problem.Status(err) != http.StatusServiceUnavailable {
		t.Fatalf("Begin = %v, want ErrIdPUnavailable and 503", err)
	}
	if len(w.Result().Cookies()) != 0 || w.Code != http.StatusOK {
		t.Fatalf("Begin wrote a response on failure: %d %v", w.Code, w.Result().Cookies())
	}
}

func TestDiscoveryIsBoundedByTimeout(t *testing.T) {
	// A provider that accepts connections and never answers.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	h := newHarness(t, options{issuer: "http://" + ln.Addr().String(), timeout: 200 * time.Millisecond})
	start := time.Now()
	resp, _ := newBrowser(t, h).get(h.rp.URL + "/_lockbox/login")
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("login with a silent provider = %d", resp.StatusCode)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("discovery took %s despite a 200ms timeout", d)
	}
}
