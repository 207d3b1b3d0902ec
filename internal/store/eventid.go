package store

import (
	"crypto/rand"
	"strconv"
	"sync/atomic"
	"time"
)

// MaxEventID is the longest event id a backend accepts.
const MaxEventID = 128

// DedupeWindow and DedupeMax bound how long, and how many of, a tenant's
// recent event ids a backend remembers to skip a repeated append: a retry
// comes within seconds of the append whose reply it lost, so an hour, or
// the last DedupeMax ids, is ample and keeps the memory bounded.
const (
	DedupeWindow = time.Hour
	DedupeMax    = 200_000
)

// idPrefix makes this process's event ids unique among all processes; the
// counter makes them unique within it.
var (
	idPrefix  = "e" + rand.Text()[:16] + "."
	idCounter atomic.Uint64
)

// NewEventID returns a fresh event id: a random per-process prefix and a
// counter, so making one costs no system call.
func NewEventID() string {
	return idPrefix + strconv.FormatUint(idCounter.Add(1), 36)
}

// LoginsChain is the audit chain of agent logins and logouts, which
// belong to no tenant yet. No tenant id can take its name: tenant ids
// start with a letter or digit.
const LoginsChain = "_logins"
