package storetest

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// testConcurrentPutEnd races grants and revocations from two clients and
// checks the outcome is one consistent history.
func testConcurrentPutEnd(t *testing.T, a, b store.Store) {
	t0 := now()
	const workers, rounds = 6, 10
	var n atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		s := alternate(w, a, b)
		wg.Go(func() {
			for range rounds {
				i := int(n.Add(1))
				if _, err := s.PutGrant(ctx(t), newGrant("acme", i, t0.Add(time.Duration(i)*time.Millisecond), time.Hour)); err != nil {
					t.Errorf("PutGrant: %v", err)
					return
				}
				cur, err := s.ActiveGrant(ctx(t), "acme")
				if errors.Is(err, store.ErrNotFound) {
					continue
				}
				if err != nil {
					t.Errorf("ActiveGrant: %v", err)
					return
				}
				_, err = s.EndGrant(ctx(t), "acme", cur.ID, store.Ending{At: t0, Reason: store.EndRevoked})
				if err != nil && !errors.Is(err, store.ErrEnded) {
					t.Errorf("EndGrant: %v", err)
				}
			}
		})
	}
	wg.Wait()
	h := history(t, a, "acme")
	if len(h) != workers*rounds {
		t.Fatalf("history has %d grants, want %d", len(h), workers*rounds)
	}
	var open []string
	for _, g := range h {
		if !g.Ended() {
			open = append(open, g.ID)
		}
	}
	cur, err := a.ActiveGrant(ctx(t), "acme")
	switch {
	case errors.Is(err, store.ErrNotFound) && len(open) != 0:
		t.Fatalf("no active grant but %v never ended", open)
	case err == nil && (len(open) != 1 || open[0] != cur.ID):
		t.Fatalf("active grant %s but unended grants %v", cur.ID, open)
	case err != nil && !errors.Is(err, store.ErrNotFound):
		t.Fatalf("ActiveGrant: %v", err)
	}
}

func testConcurrentEndOneWinner(t *testing.T, a, b store.Store) {
	t0 := now()
	g := newGrant("acme", 1, t0, time.Hour)
	put(t, a, g)
	var wins, lost atomic.Int64
	var wg sync.WaitGroup
	for w := range 8 {
		s := alternate(w, a, b)
		wg.Go(func() {
			_, err := s.EndGrant(ctx(t), "acme", g.ID, store.Ending{At: t0, Reason: store.EndExpired})
			switch {
			case err == nil:
				wins.Add(1)
			case errors.Is(err, store.ErrEnded):
				lost.Add(1)
			default:
				t.Errorf("EndGrant: %v", err)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 || lost.Load() != 7 {
		t.Fatalf("racing EndGrant: %d winners, %d ErrEnded; want 1 and 7", wins.Load(), lost.Load())
	}
}
