package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/audit"
	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// change is the event of a change already made, such as a grant put.
func change(i int) store.Event {
	e := req(i)
	e.Type = "grant.created"
	return e
}

// TestAppendChangeOutlivesALostReply: Redis writes the change's event but
// its reply is lost; the retry is recognised and the event stored once.
func TestAppendChangeOutlivesALostReply(t *testing.T) {
	srv := redistest.Start(t)
	proxy := newReplyDropper(t, srv.Addr())
	s := testkit.Redis(t, "redis://"+proxy.ln.Addr().String()+"/0?read_timeout=300ms&max_retries=-1")
	ctx := context.Background()
	// A first append loads the script, so the reply lost is an append's.
	if _, err := audit.AppendChange(ctx, s, "acme", change(0)); err != nil {
		t.Fatal(err)
	}
	proxy.armed.Store(true)
	if _, err := audit.AppendChange(ctx, s, "acme", change(1), change(2)); err != nil {
		t.Fatalf("AppendChange after a lost reply: %v", err)
	}
	if proxy.dropped.Load() != 1 {
		t.Fatalf("dropped %d replies, want 1", proxy.dropped.Load())
	}
	if es := chain(t, testkit.Redis(t, srv.URL()), "acme"); len(es) != 3 {
		t.Fatalf("chain holds %d events for 3 appended", len(es))
	}
}

// TestAppendChangeWaitsOutAnOutage: an append made while Redis is down
// lands once it is back, within ChangePatience.
func TestAppendChangeWaitsOutAnOutage(t *testing.T) {
	srv := redistest.Start(t)
	s := testkit.Redis(t, srv.URL())
	srv.Stop()
	done := make(chan error, 1)
	go func() {
		_, err := audit.AppendChange(context.Background(), s, "acme", change(0))
		done <- err
	}()
	time.Sleep(500 * time.Millisecond) // a few tries fail meanwhile
	srv.Restart()
	if err := <-done; err != nil {
		t.Fatalf("AppendChange across an outage: %v", err)
	}
	if es := chain(t, s, "acme"); len(es) != 1 {
		t.Fatalf("chain holds %d events, want 1", len(es))
	}
}

// TestAppendChangeIgnoresAHangUp: the client that made the change hung
// up; the change is made, so its event is still written.
func TestAppendChangeIgnoresAHangUp(t *testing.T) {
	s := testkit.Bolt(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := audit.AppendChange(ctx, s, "acme", change(0)); err != nil {
		t.Fatalf("AppendChange with the caller's context ended: %v", err)
	}
	if es := chain(t, s, "acme"); len(es) != 1 {
		t.Fatalf("chain holds %d events, want 1", len(es))
	}
}
