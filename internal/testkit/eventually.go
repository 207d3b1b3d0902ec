package testkit

import (
	"fmt"
	"testing"
	"time"
)

// Deadline is how long Eventually waits: long enough for a loaded machine,
// short enough that a broken test fails rather than hangs.
const Deadline = 10 * time.Second

// pollEvery is how often Eventually checks its condition.
const pollEvery = 5 * time.Millisecond

// Eventually polls cond until it holds and fails the test if it still
// does not after Deadline, naming what it waited for (format and args,
// as fmt.Sprintf) in the failure. It is for conditions reached by other
// goroutines, where the code offers no signal to wait on.
func Eventually(t testing.TB, cond func() bool, format string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(Deadline)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", Deadline, fmt.Sprintf(format, args...))
		}
		time.Sleep(pollEvery)
	}
}
