package audit_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/audit"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// A durable record that finds no write under way writes its batch itself
// rather than waiting for the writer's loop to be scheduled: here the
// loop is never started, so only that path can answer.
func TestDurableRecordWritesItsOwnBatchWhenIdle(t *testing.T) {
	_, s := testkit.NewRedis(t)
	w := audit.NewWriter(s, audit.Options{Interval: time.Hour})
	t.Cleanup(func() { closeWriter(t, w) })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// A buffered event recorded before goes first, in the same write.
	if err := w.Record(ctx, "acme", req(0), nil); err != nil {
		t.Fatal(err)
	}
	if err := w.RecordDurable(ctx, "acme", req(1), nil); err != nil {
		t.Fatalf("RecordDurable with the writer idle: %v", err)
	}
	got := chain(t, s, "acme")
	if len(got) != 2 || string(got[0].Data) != `{"i":0}` || string(got[1].Data) != `{"i":1}` {
		t.Fatalf("chain after a durable record: %+v", got)
	}
}

// Durable records from many callers at once, some writing batches
// themselves and some left to the writer's loop, all land once, each
// caller's in the order it recorded them.
func TestConcurrentDurableRecordsAllWrittenInOrder(t *testing.T) {
	_, s := testkit.NewRedis(t)
	w := start(t, s, audit.Options{})
	const callers, each = 16, 25
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for c := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := w.RecordDurable(context.Background(), "acme", req(c*each+i), nil); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got := chain(t, s, "acme")
	if len(got) != callers*each {
		t.Fatalf("%d events written, want %d", len(got), callers*each)
	}
	last := map[int]int{}
	seen := map[string]bool{}
	for _, e := range got {
		var d struct{ I int }
		if err := json.Unmarshal(e.Data, &d); err != nil {
			t.Fatal(err)
		}
		if seen[string(e.Data)] {
			t.Fatalf("event %s written twice", e.Data)
		}
		seen[string(e.Data)] = true
		c := d.I / each
		if prev, ok := last[c]; ok && d.I <= prev {
			t.Fatalf("caller %d: event %d after %d", c, d.I, prev)
		}
		last[c] = d.I
	}
}
