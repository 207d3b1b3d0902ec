package turns_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/turns"
)

// TestDeadWritersTurnRunsOut: a writer that died holding the turn holds it
// until its TTL runs out, and no longer.
func TestDeadWritersTurnRunsOut(t *testing.T) {
	s := testkit.Bolt(t)
	const ttl = 800 * time.Millisecond
	freed := time.Now().Add(ttl)
	if err := s.PutRecord(context.Background(), "thing-turn", "acme", []byte("a writer that died"), ttl); err != nil {
		t.Fatal(err)
	}
	release, err := turns.Take(context.Background(), s, "thing-turn", "acme")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if time.Now().Before(freed) {
		t.Fatal("took the turn while another writer held it")
	}
}

// TestReleaseLeavesAnotherWritersTurn: releasing a turn that has passed on
// (its TTL ran out) leaves the new holder's turn in place.
func TestReleaseLeavesAnotherWritersTurn(t *testing.T) {
	s := testkit.Bolt(t)
	ctx := context.Background()
	release, err := turns.Take(ctx, s, "thing-turn", "acme")
	if err != nil {
		t.Fatal(err)
	}
	// The turn passes on, as after its TTL.
	if err := s.PutRecord(ctx, "thing-turn", "acme", []byte("the next writer"), time.Hour); err != nil {
		t.Fatal(err)
	}
	release()
	if v, err := s.GetRecord(ctx, "thing-turn", "acme"); err != nil || string(v) != "the next writer" {
		t.Fatalf("after the first writer's release: %q, %v", v, err)
	}
	release, err = turns.Take(ctx, s, "thing-turn", "other")
	if err != nil {
		t.Fatal(err)
	}
	release()
	if _, err := s.GetRecord(ctx, "thing-turn", "other"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a released turn is still held: %v", err)
	}
}

// TestTakeEndsWithItsContext: a writer waiting for its turn stops when
// its caller gives up.
func TestTakeEndsWithItsContext(t *testing.T) {
	s := testkit.Bolt(t)
	if err := s.PutRecord(context.Background(), "thing-turn", "acme", []byte("held"), time.Hour); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := turns.Take(ctx, s, "thing-turn", "acme"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Take = %v; want the context's deadline", err)
	}
}
