package caddymodule_test

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/testkit/outbuf"
)

// TestAuditFollow runs `lockbox audit --follow --json` against a running
// instance: events appended after it starts arrive as JSON lines, events
// from before do not, and an interrupt ends it with exit 0.
func TestAuditFollow(t *testing.T) {
	t.Parallel()
	bin := lockboxBinary(t)
	s := startInstance(t, bin, "bolt "+filepath.Join(t.TempDir(), "lockbox.db"))
	s.ok("grant", "create", "--tenant", "acme", "--for", "1d", "--note", "before follow")

	polled := firstAuditPoll(t, s.admin)
	out := &outbuf.Buffer{}
	cmd := exec.Command(bin, "audit", "--tenant", "acme", "--follow", "--json", "--address", polled.addr)
	cmd.Env, cmd.Stdout, cmd.Stderr = s.env, out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	// It takes its starting point before its first poll.
	select {
	case <-polled.first:
	case err := <-done:
		t.Fatalf("--follow exited before its first poll: %v\n%s", err, out)
	case <-time.After(10 * time.Second):
		t.Fatalf("--follow did not poll within 10s\n%s", out)
	}
	s.ok("grant", "create", "--tenant", "acme", "--for", "2d", "--note", "during follow")
	s.ok("grant", "revoke", "--tenant", "acme")

	var types []string
	testkit.EventuallyWithin(t, 10*time.Second, func() bool {
		types = types[:0]
		for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
			var e struct {
				Type string `json:"type"`
				Data struct {
					Note string `json:"note"`
				} `json:"data"`
			}
			if line == "" {
				continue
			}
			if err := json.Unmarshal([]byte(line), &e); err != nil {
				t.Fatalf("not a JSON line: %q (%v)", line, err)
			}
			if e.Data.Note == "before follow" {
				t.Fatalf("--follow printed an event from before it started:\n%s", out)
			}
			types = append(types, e.Type)
		}
		return len(types) >= 3
	}, "three followed events\n%s", out)
	if strings.Join(types, " ") != "grant.replaced grant.created grant.revoked" {
		t.Fatalf("followed events %v, want grant.replaced grant.created grant.revoked\n%s", types, out)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("--follow after an interrupt: %v\n%s", err, out)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("--follow did not stop on an interrupt")
	}
}
