package notify_test

import (
	"context"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

type nopPublisher struct{}

func (nopPublisher) Publish(context.Context, notify.Event) error { return nil }

// TestBridgeKeepsRetention: a store wrapped for publishing still verifies
// from its anchor once old events have moved out.
func TestBridgeKeepsRetention(t *testing.T) {
	st := testkit.Bolt(t)
	ctx := context.Background()
	events, err := st.AppendEvents(ctx, "acme", store.Event{Type: "http.request"}, store.Event{Type: "http.request"}, store.Event{Type: "http.request"})
	if err != nil {
		t.Fatal(err)
	}
	l, err := st.LeaseRetention(ctx, "acme", "t", events[0].Time, 60e9)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.TrimEvents(ctx, l, events[0].Time, store.Head{Seq: 2, Hash: events[1].Hash, Time: events[1].Time}); err != nil {
		t.Fatal(err)
	}
	wrapped := notify.Bridge(st, nopPublisher{}, nil)
	if _, ok := store.AsRetention(wrapped); !ok {
		t.Fatal("the bridge hides the store's retention")
	}
	if v, err := store.Verify(ctx, wrapped, "acme"); err != nil || !v.OK || v.From != 2 || v.Events != 1 {
		t.Fatalf("Verify through the bridge = %+v, %v", v, err)
	}
}
