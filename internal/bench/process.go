package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/freeport"
)

// Bounds on child processes.
const (
	// stopTimeout bounds a graceful stop before the process is killed.
	stopTimeout = 10 * time.Second
	// buildTimeout bounds building the lockbox binary (a cold build of
	// Caddy takes minutes on a small machine).
	buildTimeout = 15 * time.Minute
)

// process is a child program whose output goes to a log file.
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	exited  chan struct{}
}

// startProcess runs bin with args and env, its output in logPath.
func startProcess(name, logPath string, env []string, bin string, args ...string) (*process, error) {
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		_ = log.Close()
		return nil, fmt.Errorf("starting %s: %v", name, err)
	}
	p := &process{name: name, cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		_ = log.Close()
		close(p.exited)
	}()
	return p, nil
}

// running reports whether the process has not exited yet.
func (p *process) running() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// stop interrupts the process, as Ctrl-C would, and kills it if it does
// not exit in time.
func (p *process) stop() {
	if !p.running() {
		return
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.exited:
	case <-time.After(stopTimeout):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// tail returns the last lines of the process's log, for error messages.
func (p *process) tail() string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return ""
	}
	return lastLines(string(b), 20)
}

// lastLines returns at most n trailing lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// isolatedEnv is the environment of the child processes: ours, with home,
// data and config directories under dir, so nothing touches the user's
// own Caddy or Lockbox state.
func isolatedEnv(dir string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name != "HOME" && !strings.HasPrefix(name, "XDG_") && !strings.HasPrefix(name, "CADDY_") && !strings.HasPrefix(name, "LOCKBOX_") {
			env = append(env, kv)
		}
	}
	return append(env, "HOME="+dir,
		"XDG_DATA_HOME="+filepath.Join(dir, "data"),
		"XDG_CONFIG_HOME="+filepath.Join(dir, "config"))
}

// freePort returns a loopback port for a server another process starts.
func freePort() (int, error) { return freeport.Loopback() }

// goBuild builds the lockbox binary from the module containing the
// working directory into dir and returns its path.
func goBuild(ctx context.Context, dir string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	path := strings.TrimSpace(string(gomod))
	if err != nil || path == "" || path == os.DevNull {
		return "", fmt.Errorf("run the benchmark from inside the lockbox module (go env GOMOD: %q, %v)", path, err)
	}
	bin := filepath.Join(dir, "lockbox")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/lockbox")
	cmd.Dir = filepath.Dir(path)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/lockbox: %v\n%s", err, out.String())
	}
	return bin, nil
}
