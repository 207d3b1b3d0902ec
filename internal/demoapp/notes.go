package demoapp

import (
	"slices"
	"sync"
	"time"
)

// Bounds on the notes kept in memory.
const (
	maxNotes    = 20  // per tenant; the oldest go first
	maxNoteText = 500 // characters
)

// note is a line an agent added to a customer's record.
type note struct {
	Text  string
	Agent string
	At    time.Time
}

// notes keeps each tenant's latest notes in memory; the demo forgets them
// on restart.
type notes struct {
	mu     sync.Mutex
	tenant map[string][]note
}

func newNotes() *notes { return &notes{tenant: make(map[string][]note)} }

// add appends n to the tenant's notes, dropping the oldest beyond the cap.
func (ns *notes) add(tenant string, n note) {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	list := append(ns.tenant[tenant], n)
	if len(list) > maxNotes {
		list = slices.Clone(list[len(list)-maxNotes:])
	}
	ns.tenant[tenant] = list
}

// list returns the tenant's notes, newest first.
func (ns *notes) list(tenant string) []note {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	out := slices.Clone(ns.tenant[tenant])
	slices.Reverse(out)
	return out
}
