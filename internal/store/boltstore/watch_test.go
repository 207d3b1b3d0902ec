package boltstore

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// A subscriber stuck in its callback must not hold up writers, and once it
// catches up it learns it missed changes.
func TestWatchSlowSubscriberGetsResync(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "lockbox.db"))
	s.db.NoSync = true // hundreds of commits; durability is not under test
	release := make(chan struct{})
	got := make(chan store.Change, 2*watchBuffer)
	if err := s.Watch(ctx(t), func(c store.Change) {
		<-release
		got <- c
	}); err != nil {
		t.Fatal(err)
	}
	n := watchBuffer + 10
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range n {
			if _, err := s.PutGrant(ctx(t), grant("acme", i)); err != nil {
				t.Errorf("PutGrant: %v", err)
				return
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("writers blocked by a stuck subscriber")
	}
	close(release)
	deadline := time.After(5 * time.Second)
	for count := 0; ; count++ {
		select {
		case c := <-got:
			if c.Kind == store.ChangeResync {
				if count > watchBuffer {
					t.Fatalf("resync after %d changes; the queue should be bounded", count)
				}
				return
			}
		case <-deadline:
			t.Fatalf("no resync after %d changes", count)
		}
	}
}

// A callback may call back into the store without deadlocking.
func TestWatchCallbackUsesStore(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "lockbox.db"))
	got := make(chan string, 1)
	if err := s.Watch(ctx(t), func(c store.Change) {
		g, err := s.ActiveGrant(context.Background(), c.Tenant)
		if err != nil {
			t.Errorf("ActiveGrant in callback: %v", err)
		}
		got <- g.ID
	}); err != nil {
		t.Fatal(err)
	}
	mustPut(t, s, grant("acme", 1))
	select {
	case id := <-got:
		if id != grant("acme", 1).ID {
			t.Fatalf("callback saw %s", id)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no change delivered")
	}
}

func TestWatchOrderAndUnsubscribe(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "lockbox.db"))
	wctx, cancel := context.WithCancel(ctx(t))
	got := make(chan store.Change, 16)
	if err := s.Watch(wctx, func(c store.Change) { got <- c }); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		mustPut(t, s, grant("acme", i))
	}
	for i := range 5 {
		select {
		case c := <-got:
			if c.ID != grant("acme", i).ID {
				t.Fatalf("change %d = %+v", i, c)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("change not delivered")
		}
	}
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for subscribers(s) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("subscriber not removed after its context ended")
		}
		time.Sleep(time.Millisecond)
	}
}

func subscribers(s *Store) int {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return len(s.hub.subs)
}
