package request_test

import (
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// TestPruneDecided deletes requests decided before the cutoff, keeps the
// pending one and the recently decided one, and leaves the audit chain
// whole; the agent's list skips what is gone.
func TestPruneDecided(t *testing.T) {
	backends(t, func(t *testing.T, open func(*testing.T) store.Store) {
		st := open(t)
		e := newEnv(t, st, nil, request.Config{TTL: time.Hour})
		old := e.ask(t, request.Ask{})
		if _, err := e.svc.Deny(ctx(), "acme", old.ID, request.Decision{By: owner, Message: "no"}); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(10 * 24 * time.Hour)
		recent := e.ask(t, request.Ask{})
		if _, err := e.svc.Deny(ctx(), "acme", recent.ID, request.Decision{By: owner, Message: "no"}); err != nil {
			t.Fatal(err)
		}
		pending := e.ask(t, request.Ask{})
		cutoff := e.clock.Now().Add(-7 * 24 * time.Hour)
		if n, err := e.svc.PruneDecided(ctx(), "acme", cutoff); err != nil || n != 1 {
			t.Fatalf("PruneDecided = %d, %v; want the old decided request", n, err)
		}
		if _, err := e.svc.Get(ctx(), old.ID); code(err) != "request_not_found" {
			t.Fatalf("old request after prune: %v", err)
		}
		list, err := e.svc.List(ctx(), "acme", request.Filter{})
		if err != nil || len(list) != 2 || list[0].ID != pending.ID || list[1].ID != recent.ID {
			t.Fatalf("list after prune: %+v, %v", list, err)
		}
		mine, err := e.svc.ForAgent(ctx(), agent, 0)
		if err != nil || len(mine) != 2 {
			t.Fatalf("agent's list after prune: %+v, %v", mine, err)
		}
		if types := eventTypes(t, st, "acme"); len(types) != 5 {
			t.Fatalf("audit %v, want every step kept", types)
		}
		if n, err := e.svc.PruneDecided(ctx(), store.LoginsChain, cutoff); err != nil || n != 0 {
			t.Fatalf("PruneDecided of the logins chain = %d, %v", n, err)
		}
	})
}
