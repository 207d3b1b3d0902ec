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
	EventuallyWithin(t, Deadline, cond, format, args...)
}

// EventuallyWithin is Eventually waiting up to within, for conditions
// with a deadline of their own (a process starting, a promise of the
// product such as "within a second").
func EventuallyWithin(t testing.TB, within time.Duration, cond func() bool, format string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, fmt.Sprintf(format, args...))
		}
		time.Sleep(pollEvery)
	}
}

// Lazy is a failure-message argument of Eventually that is formatted
// only when the message is, so it shows the last state polled rather
// than the state when polling began.
type Lazy func() string

// String formats the argument.
func (f Lazy) String() string { return f() }
