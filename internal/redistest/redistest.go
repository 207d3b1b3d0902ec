// Package redistest runs a throwaway redis-server for tests: on a free
// loopback port, with an empty temporary data directory and no
// persistence, stopped when the test ends.
package redistest

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lockbox-gw/lockbox/internal/freeport"
	"github.com/lockbox-gw/lockbox/internal/testkit/outbuf"
)

const (
	// readyTimeout bounds how long a fresh server may take to answer PING.
	readyTimeout = 5 * time.Second
	// stopTimeout bounds a graceful stop before the process is killed.
	stopTimeout = 5 * time.Second
	// startAttempts is how many free ports are tried: another process may
	// take the port between picking it and redis-server binding it.
	startAttempts = 5
)

// Server is a running redis-server owned by one test.
type Server struct {
	t    testing.TB
	bin  string
	dir  string
	port int
	args []string // more redis-server arguments (StartWith, cluster mode)

	mu   sync.Mutex
	proc *process
}

// process is one run of redis-server.
type process struct {
	cmd    *exec.Cmd
	out    *outbuf.Buffer
	exited chan struct{}
}

// Start runs a fresh redis-server for t and stops it when t ends. It fails
// the test if redis-server is missing, so a missing dependency is never
// mistaken for a passing run.
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, nil)
}

// StartWith is Start with more redis-server arguments, such as
// "--appendonly", "yes" or "--replicaof", host, port.
func StartWith(t testing.TB, args ...string) *Server {
	t.Helper()
	return start(t, func(int) []string { return args })
}

// start runs a fresh redis-server and stops it when t ends. args, when
// not nil, returns more arguments given a second free port (a cluster bus
// port, say).
func start(t testing.TB, args func(extra int) []string) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatalf("redis-server not found on PATH: install it with `apt-get install -y redis-server` (make test does this when run as root)")
	}
	s := &Server{t: t, bin: bin, dir: t.TempDir()}
	var lastErr error
	for range startAttempts {
		port, err := freePort()
		if err != nil {
			t.Fatalf("redistest: pick a port: %v", err)
		}
		s.port = port
		if args != nil {
			extra, err := freePort()
			if err != nil {
				t.Fatalf("redistest: pick a port: %v", err)
			}
			s.args = args(extra)
		}
		if lastErr = s.start(); lastErr == nil {
			t.Cleanup(s.Stop)
			return s
		}
	}
	t.Fatalf("redistest: start redis-server: %v", lastErr)
	return nil
}

// Addr returns the server's host:port.
func (s *Server) Addr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
}

// URL returns a redis:// URL for database 0 of the server.
func (s *Server) URL() string { return "redis://" + s.Addr() + "/0" }

// Stop stops the server; it is safe to call more than once. Clients see
// the connection drop, as when a real Redis goes down.
func (s *Server) Stop() {
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.mu.Unlock()
	if p != nil {
		p.stop()
	}
}

// Restart stops the server and starts a new, empty one on the same port,
// so tests can simulate Redis going down and coming back. Call it from the
// test's goroutine.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	// The old listener may linger for a moment; retry briefly.
	deadline := time.Now().Add(readyTimeout)
	for {
		err := s.start()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("redistest: restart redis-server on port %d: %v", s.port, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Client returns a client of the server, closed when t ends.
func (s *Server) Client(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{
		Addr:          s.Addr(),
		DialTimeout:   2 * time.Second,
		ReadTimeout:   2 * time.Second,
		WriteTimeout:  2 * time.Second,
		DialerRetries: 1, // a stopped server should fail fast
	})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// FlushAll deletes every key on the server.
func (s *Server) FlushAll(t testing.TB) {
	t.Helper()
	c := s.Client(t)
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	if err := c.FlushAll(ctx).Err(); err != nil {
		t.Fatalf("redistest: flushall: %v", err)
	}
}

// start launches redis-server on s.port and waits until it answers PING.
func (s *Server) start() error {
	out := &outbuf.Buffer{}
	cmd := exec.Command(s.bin,
		"--bind", "127.0.0.1",
		"--port", strconv.Itoa(s.port),
		"--dir", s.dir,
		"--save", "",
		"--appendonly", "no",
		"--daemonize", "no",
		"--loglevel", "warning",
	)
	cmd.Args = append(cmd.Args, s.args...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return err
	}
	p := &process{cmd: cmd, out: out, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(p.exited)
	}()
	if err := p.waitReady(s.Addr()); err != nil {
		p.stop()
		return err
	}
	s.mu.Lock()
	s.proc = p
	s.mu.Unlock()
	return nil
}

// waitReady polls PING until the server answers, exits or time runs out.
func (p *process) waitReady(addr string) error {
	c := redis.NewClient(&redis.Options{
		Addr:          addr,
		DialTimeout:   200 * time.Millisecond,
		ReadTimeout:   200 * time.Millisecond,
		MaxRetries:    -1,
		DialerRetries: 1,
	})
	defer c.Close()
	deadline := time.Now().Add(readyTimeout)
	for {
		select {
		case <-p.exited:
			return fmt.Errorf("redis-server exited: %s", p.out.String())
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer to PING within %s: %w", readyTimeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop terminates the process, killing it if it does not exit in time.
func (p *process) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(stopTimeout):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// freePort returns a loopback port for the server to listen on.
func freePort() (int, error) { return freeport.Loopback() }
