package main

import (
	"os"
	"testing"
	"time"
)

// TestCPUTimeReadsProc sees this process's CPU time grow while it
// spends some (bounded), and reads a missing process as 0.
func TestCPUTimeReadsProc(t *testing.T) {
	before := cpuTime(os.Getpid())
	if before <= 0 {
		t.Fatalf("CPU time of this process = %s", before)
	}
	deadline := time.Now().Add(10 * time.Second)
	for cpuTime(os.Getpid()) <= before {
		if time.Now().After(deadline) {
			t.Fatalf("CPU time stayed %s through 10s of spinning", before)
		}
		for n := range 100_000 {
			_ = n * n
		}
	}
	if got := cpuTime(1 << 30); got != 0 {
		t.Fatalf("CPU time of no process = %s, want 0", got)
	}
	gw, redis := perRequest(cpuSample{time.Second, 2 * time.Second}, cpuSample{3 * time.Second, 3 * time.Second}, 1000)
	if gw != 2*time.Millisecond || redis != time.Millisecond {
		t.Fatalf("perRequest = %s, %s; want 2ms, 1ms", gw, redis)
	}
}
