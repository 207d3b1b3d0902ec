package main

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestRun runs the whole benchmark once, briefly: build, servers, login,
// the path checks, one round of wrk and the audit count.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds lockbox and runs wrk")
	}
	if _, err := exec.LookPath("wrk"); err != nil {
		t.Fatal("wrk is not installed: install it with `apt-get install -y wrk` (make test does this when run as root)")
	}
	var out, progress bytes.Buffer
	o := options{load: load{threads: 1, connections: 4, duration: time.Second}, rounds: 1, audit: "strict"}
	if err := run(t.Context(), o, &out, &progress); err != nil {
		t.Fatalf("run: %v\nprogress:\n%s", err, &progress)
	}
	for _, want := range []string{
		"wrk --threads 1 --connections 4 --duration 1s --latency",
		"bare reverse_proxy", "bare + identity headers", "lockbox, ordinary", "lockbox, agent", "vs bare", "(audit strict)",
		"ordinary traffic within 2% of bare", "agent traffic within 7% of bare + identity headers",
		"(lockbox audit --tenant acme --json)", "none lost", "gateway CPU/req", "redis CPU/req",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, &out)
		}
	}
}
