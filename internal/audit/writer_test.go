package audit_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/audit"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

func start(t *testing.T, s store.Store, o audit.Options) *audit.Writer {
	t.Helper()
	w := audit.NewWriter(s, o)
	ctx, cancel := context.WithCancel(context.Background())
	go w.Run(ctx)
	t.Cleanup(func() {
		c, done := context.WithTimeout(context.Background(), 10*time.Second)
		defer done()
		w.Close(c)
		cancel()
	})
	return w
}

func closeWriter(t *testing.T, w *audit.Writer) {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := w.Close(c); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func req(i int) store.Event {
	data, _ := json.Marshal(map[string]int{"i": i})
	return store.Event{Type: "http.request", Time: time.Now(), Data: data}
}

func chain(t *testing.T, s store.Store, tenant string) []store.Event {
	t.Helper()
	v, err := store.Verify(context.Background(), s, tenant)
	if err != nil || !v.OK {
		t.Fatalf("chain of %s: %+v, %v", tenant, v, err)
	}
	var all []store.Event
	for after := int64(0); ; {
		page, err := s.Events(context.Background(), tenant, store.EventQuery{AfterSeq: after, Limit: store.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return all
		}
		all = append(all, page...)
		after = page[len(page)-1].Seq
	}
}

func TestEveryEventWrittenInOrder(t *testing.T) {
	_, s := testkit.NewRedis(t)
	w := start(t, s, audit.Options{})
	tenants := []string{"acme", "globex", "initech"}
	const each = 400
	var wg sync.WaitGroup
	for _, tenant := range tenants {
		wg.Go(func() {
			for i := range each {
				if err := w.Record(context.Background(), tenant, req(i), nil); err != nil {
					t.Errorf("Record: %v", err)
				}
			}
		})
	}
	wg.Wait()
	closeWriter(t, w)
	for _, tenant := range tenants {
		events := chain(t, s, tenant)
		if len(events) != each {
			t.Fatalf("%s: %d events, want %d", tenant, len(events), each)
		}
		for i, e := range events {
			if string(e.Data) != fmt.Sprintf(`{"i":%d}`, i) {
				t.Fatalf("%s: event %d is %s: order lost", tenant, i, e.Data)
			}
		}
	}
}

func TestStoreDownLosesNothing(t *testing.T) {
	srv, s := testkit.NewRedis(t)
	var errs sync.Map
	w := start(t, s, audit.Options{Interval: 10 * time.Millisecond, OnError: func(err error) { errs.Store("seen", err) }})
	srv.Stop()
	for i := range 50 {
		if err := w.Record(context.Background(), "acme", req(i), nil); err != nil {
			t.Fatalf("Record while the store is down: %v", err)
		}
	}
	testkit.Eventually(t, func() bool { _, ok := errs.Load("seen"); return ok }, "the writer to report the store failure")
	srv.Restart()
	closeWriter(t, w)
	if n := len(chain(t, s, "acme")); n != 50 {
		t.Fatalf("%d of 50 events written after the store came back", n)
	}
}

// TestBacklogWrittenInOneBatch has the writer append a backlog larger
// than the append script takes in one command, in one batch, in order.
func TestBacklogWrittenInOneBatch(t *testing.T) {
	srv, s := testkit.NewRedis(t)
	w := start(t, s, audit.Options{Interval: 10 * time.Millisecond, Batch: 5000})
	srv.Stop()
	const n = 1300
	for i := range n {
		if err := w.Record(context.Background(), "acme", req(i), nil); err != nil {
			t.Fatalf("Record: %v", err)
		}
	}
	srv.Restart()
	closeWriter(t, w)
	events := chain(t, s, "acme")
	if len(events) != n {
		t.Fatalf("%d of %d events written", len(events), n)
	}
	for i, e := range events {
		if string(e.Data) != fmt.Sprintf(`{"i":%d}`, i) {
			t.Fatalf("event %d is %s: order lost", i, e.Data)
		}
	}
}

func TestRecordSyncFailsAndDropsWhenStoreDown(t *testing.T) {
	srv, s := testkit.NewRedis(t)
	w := start(t, s, audit.Options{Interval: 10 * time.Millisecond})
	if err := w.RecordSync(context.Background(), "acme", store.Event{Type: "session.started"}); err != nil {
		t.Fatalf("RecordSync: %v", err)
	}
	if n := len(chain(t, s, "acme")); n != 1 {
		t.Fatalf("RecordSync returned before its event was written (%d events)", n)
	}
	srv.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := w.RecordSync(ctx, "acme", store.Event{Type: "session.started"}); err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("RecordSync with the store down = %v, want the store's error", err)
	}
	srv.Restart()
	closeWriter(t, w)
	if n := len(chain(t, s, "acme")); n != 0 {
		t.Fatalf("a refused synchronous event was written later (%d events after restart)", n)
	}
}

func TestFullBufferBlocksInsteadOfDropping(t *testing.T) {
	srv, s := testkit.NewRedis(t)
	w := start(t, s, audit.Options{Buffer: 4, Interval: 10 * time.Millisecond})
	srv.Stop()
	for i := range 4 {
		if err := w.Record(context.Background(), "acme", req(i), nil); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := w.Record(ctx, "acme", req(4), nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Record into a full buffer = %v, want it to wait", err)
	}
	srv.Restart()
	closeWriter(t, w)
	if n := len(chain(t, s, "acme")); n != 4 {
		t.Fatalf("%d events written, want the 4 buffered", n)
	}
}

func TestTouchesAddUp(t *testing.T) {
	_, s := testkit.NewRedis(t)
	t0 := time.Now().UTC().Truncate(time.Second)
	sess := store.Session{ID: "s_1", Tenant: "acme", Scopes: []string{"read"}, StartedAt: t0, EndsAt: t0.Add(time.Hour), LastSeen: t0}
	if err := s.PutSession(context.Background(), sess); err != nil {
		t.Fatal(err)
	}
	w := start(t, s, audit.Options{})
	for i := range 30 {
		touch := &store.Touch{Tenant: "acme", ID: "s_1", LastSeen: t0.Add(time.Duration(i) * time.Second), Requests: 1}
		if err := w.Record(context.Background(), "acme", req(i), touch); err != nil {
			t.Fatal(err)
		}
	}
	closeWriter(t, w)
	got, err := s.GetSession(context.Background(), "acme", "s_1")
	if err != nil || got.Requests != 30 || !got.LastSeen.Equal(t0.Add(29*time.Second)) {
		t.Fatalf("session after 30 requests: %+v, %v", got, err)
	}
}

func TestRecordAfterClose(t *testing.T) {
	_, s := testkit.NewRedis(t)
	w := start(t, s, audit.Options{})
	closeWriter(t, w)
	if err := w.Record(context.Background(), "acme", req(0), nil); !errors.Is(err, audit.ErrClosed) {
		t.Fatalf("Record after Close = %v", err)
	}
}
