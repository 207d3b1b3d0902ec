package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lockbox-gw/lockbox/internal/devidp"
	"github.com/lockbox-gw/lockbox/internal/login"
)

const (
	// identityPath is the upstream path that answers with the identity
	// headers it received instead of the fixed body.
	identityPath = "/_bench/identity"
	// bodySize is the size of the upstream's fixed response.
	bodySize = 1024
	// redisAttempts is how many free ports are tried for redis-server:
	// another program may take the port between picking and binding it.
	redisAttempts = 5
	// readyTimeout bounds how long a started server may take to answer.
	readyTimeout = 30 * time.Second
	// pollInterval is the pause between readiness probes.
	pollInterval = 50 * time.Millisecond
)

// upstream is the app behind every gateway, served from this process.
type upstream struct {
	srv  *http.Server
	addr string
	done chan struct{}
}

// identity is what the upstream saw of an agent request.
type identity struct {
	// Headers are the X-Lockbox-* headers received.
	Headers map[string]string `json:"headers"`
	// LockboxCookie is whether Lockbox's session cookie reached the app.
	LockboxCookie bool `json:"lockbox_cookie"`
}

// startUpstream serves a fixed 1 KiB body on every path (keep-alive on,
// as Go's server does by default) and the received identity on
// identityPath.
func startUpstream() (*upstream, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("upstream: %v", err)
	}
	body := bytes.Repeat([]byte{'x'}, bodySize-1)
	body = append(body, '\n')
	length := strconv.Itoa(len(body))
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Length", length)
		_, _ = w.Write(body)
	})
	mux.HandleFunc(identityPath, serveIdentity)
	u := &upstream{
		srv:  &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second},
		addr: ln.Addr().String(),
		done: make(chan struct{}),
	}
	go func() {
		defer close(u.done)
		_ = u.srv.Serve(ln)
	}()
	return u, nil
}

// serveIdentity answers with the identity headers of the request.
func serveIdentity(w http.ResponseWriter, r *http.Request) {
	id := identity{Headers: map[string]string{}}
	for name, values := range r.Header {
		if strings.HasPrefix(strings.ToLower(name), "x-lockbox-") {
			id.Headers[name] = strings.Join(values, ", ")
		}
	}
	if c, err := r.Cookie(login.SessionCookiePlain); err == nil && c.Value != "" {
		id.LockboxCookie = true
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(id)
}

// close stops the upstream and waits for it.
func (u *upstream) close() {
	_ = u.srv.Close()
	<-u.done
}

// startRedis runs a private redis-server on a free loopback port with its
// data in dir and persistence off.
func startRedis(ctx context.Context, dir string) (*process, string, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, "", fmt.Errorf("redis-server not found on PATH: install it with apt-get install -y redis-server (make deps does this as root)")
	}
	var lastErr error
	for i := range redisAttempts {
		port, err := freePort()
		if err != nil {
			return nil, "", err
		}
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		p, err := startProcess("redis-server", filepath.Join(dir, fmt.Sprintf("redis-%d.log", i)), nil, bin,
			"--bind", "127.0.0.1", "--port", strconv.Itoa(port), "--dir", dir,
			"--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning")
		if err != nil {
			return nil, "", err
		}
		if lastErr = waitRedis(ctx, p, addr); lastErr == nil {
			return p, "redis://" + addr + "/0", nil
		}
		p.stop()
	}
	return nil, "", fmt.Errorf("starting redis-server: %v", lastErr)
}

// waitRedis polls PING until the server answers, exits or time runs out.
func waitRedis(ctx context.Context, p *process, addr string) error {
	c := redis.NewClient(&redis.Options{Addr: addr, DialTimeout: 200 * time.Millisecond, ReadTimeout: 200 * time.Millisecond, MaxRetries: -1})
	defer c.Close()
	return poll(ctx, readyTimeout, func() (bool, error) {
		if !p.running() {
			return false, fmt.Errorf("redis-server exited:\n%s", p.tail())
		}
		pctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		return c.Ping(pctx).Err() == nil, nil
	})
}

// startIdP runs the development OpenID provider with one client, Lockbox
// at site, whose secret is secret.
func startIdP(site, secret string) (*devidp.Server, error) {
	return devidp.Start("127.0.0.1:0", devidp.Config{Clients: []devidp.Client{{
		ID:           oidcClientID,
		Secret:       secret,
		RedirectURIs: []string{site + consolePrefix + "/callback"},
	}}})
}

// poll calls ready until it reports true or an error, for at most
// timeout, pausing pollInterval between calls.
func poll(ctx context.Context, timeout time.Duration, ready func() (bool, error)) error {
	deadline := time.Now().Add(timeout)
	for {
		ok, err := ready()
		switch {
		case err != nil:
			return err
		case ok:
			return nil
		case time.Now().After(deadline):
			return fmt.Errorf("not ready within %s", timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pollInterval):
		}
	}
}
