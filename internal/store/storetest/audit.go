package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

func testAuditAppendRead(t *testing.T, a, b store.Store) {
	t0 := now()
	if h, err := a.AuditHead(ctx(t), "acme"); err != nil || h.Seq != 0 || h.Hash != "" {
		t.Fatalf("head of empty chain = %+v, %v", h, err)
	}
	first := appendEvents(t, a, "acme", event("grant.created", t0, `{"scopes":["read"]}`))
	more := appendEvents(t, b, "acme", event("session.started", t0.Add(time.Second), ""), event("session.ended", t0.Add(2*time.Second), `{"reason":"exit"}`))
	if first[0].Seq != 1 || first[0].PrevHash != "" || first[0].Hash == "" {
		t.Fatalf("first event = %+v", first[0])
	}
	if more[0].Seq != 2 || more[0].PrevHash != first[0].Hash || more[1].PrevHash != more[0].Hash {
		t.Fatalf("events not linked: %+v", more)
	}
	h, err := b.AuditHead(ctx(t), "acme")
	if err != nil || h.Seq != 3 || h.Hash != more[1].Hash {
		t.Fatalf("head = %+v, %v", h, err)
	}
	all, err := a.Events(ctx(t), "acme", store.EventQuery{})
	if err != nil || len(all) != 3 {
		t.Fatalf("Events = %d events, %v", len(all), err)
	}
	if all[0].Type != "grant.created" || string(all[2].Data) != `{"reason":"exit"}` || all[1].Actor == nil || *all[1].Actor != ops {
		t.Fatalf("events read back wrong: %+v", all)
	}
	after, err := a.Events(ctx(t), "acme", store.EventQuery{AfterSeq: 1, Limit: 1})
	if err != nil || len(after) != 1 || after[0].Seq != 2 {
		t.Fatalf("Events after 1, limit 1 = %+v, %v", after, err)
	}
	if other, err := a.Events(ctx(t), "globex", store.EventQuery{}); err != nil || len(other) != 0 {
		t.Fatalf("other tenant's events = %+v, %v", other, err)
	}
	verifyOK(t, a, "acme", 3)
}

func testAuditTimeRange(t *testing.T, a, _ store.Store) {
	t0 := now()
	for i := range 10 {
		appendEvents(t, a, "acme", event("http.request", t0.Add(time.Duration(i)*time.Minute), fmt.Sprintf(`{"i":%d}`, i)))
	}
	// An event stamped before the head is kept in order, at the head's time.
	late := appendEvents(t, a, "acme", event("http.request", t0.Add(-time.Hour), ""))
	if !late[0].Time.Equal(t0.Add(9 * time.Minute)) {
		t.Fatalf("out-of-order event time = %v, want the head's %v", late[0].Time, t0.Add(9*time.Minute))
	}
	got, err := a.Events(ctx(t), "acme", store.EventQuery{Since: t0.Add(3 * time.Minute), Until: t0.Add(5 * time.Minute)})
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	var seqs []int64
	for _, e := range got {
		seqs = append(seqs, e.Seq)
	}
	if !slices.Equal(seqs, []int64{4, 5, 6}) {
		t.Fatalf("events in [3m, 5m] = seqs %v, want [4 5 6]", seqs)
	}
	got, err = a.Events(ctx(t), "acme", store.EventQuery{Since: t0.Add(8 * time.Minute), Limit: 2})
	if err != nil || len(got) != 2 || got[0].Seq != 9 {
		t.Fatalf("since 8m limit 2 = %+v, %v", got, err)
	}
	verifyOK(t, a, "acme", 11)
}

// testAuditCanonicalData checks that data is stored compact, in its key
// order, HTML-escaped as encoding/json writes it and with invalid UTF-8
// replaced, and that events read back through the other client are the
// events returned by the append and hash to their stored hashes.
func testAuditCanonicalData(t *testing.T, a, b store.Store) {
	t0 := now()
	odd := event("http.request", t0, `{ "status": 200, "method":"GET", "path": "/a?<b>&c`+"\xff\u2028"+`" }`)
	odd.Session = "s_\xfe"
	out := appendEvents(t, a, "acme",
		event("http.request", t0, `{ "status": 200, "method":"GET", "path": "/a?<b>&c" }`), odd)
	if string(out[0].Data) != `{"status":200,"method":"GET","path":"/a?\u003cb\u003e\u0026c"}` {
		t.Fatalf("data not canonical: %s", out[0].Data)
	}
	if string(out[1].Data) != `{"status":200,"method":"GET","path":"/a?\u003cb\u003e\u0026c`+"\uFFFD"+`\u2028"}` || out[1].Session != "s_\uFFFD" {
		t.Fatalf("invalid UTF-8 not replaced: %s, session %q", out[1].Data, out[1].Session)
	}
	back, err := b.Events(ctx(t), "acme", store.EventQuery{})
	if err != nil || len(back) != 2 {
		t.Fatalf("Events: %d events, %v", len(back), err)
	}
	for i, e := range back {
		if h, _ := e.ComputeHash(); h != e.Hash {
			t.Fatalf("event %d read back does not hash to its stored hash", e.Seq)
		}
		if string(e.Data) != string(out[i].Data) || e.Session != out[i].Session || e.Hash != out[i].Hash {
			t.Fatalf("event %d read back as %+v, appended as %+v", e.Seq, e, out[i])
		}
	}
	verifyOK(t, b, "acme", 2)
}

func testAuditBadData(t *testing.T, a, _ store.Store) {
	t0 := now()
	appendEvents(t, a, "acme", event("grant.created", t0, ""))
	for _, bad := range []string{`[1,2]`, `"text"`, `{"a":`, `null`} {
		_, err := a.AppendEvents(ctx(t), "acme", event("ok", t0, `{"fine":true}`), event("bad", t0, bad))
		if err == nil {
			t.Fatalf("AppendEvents with data %s: no error", bad)
		}
	}
	verifyOK(t, a, "acme", 1)
}

// testAuditConcurrent appends from many goroutines on two clients and
// checks the result is one unbroken chain with every event in it.
func testAuditConcurrent(t *testing.T, a, b store.Store) {
	t0 := now()
	const workers, each = 8, 25
	var wg sync.WaitGroup
	for w := range workers {
		s := alternate(w, a, b)
		wg.Go(func() {
			for i := range each {
				data, _ := json.Marshal(map[string]int{"worker": w, "i": i})
				if _, err := s.AppendEvents(ctx(t), "acme", event("http.request", t0, string(data))); err != nil {
					t.Errorf("AppendEvents: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	verifyOK(t, a, "acme", workers*each)
	seen := map[string]bool{}
	var after int64
	for {
		page, err := b.Events(ctx(t), "acme", store.EventQuery{AfterSeq: after, Limit: 60})
		if err != nil {
			t.Fatalf("Events: %v", err)
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			seen[string(e.Data)] = true
			after = e.Seq
		}
	}
	if len(seen) != workers*each {
		t.Fatalf("%d distinct events stored, want %d", len(seen), workers*each)
	}
}

// testVerifyWhileAppending checks Verify stops at the head it read, so
// appends during a verify are not mistaken for tampering.
func testVerifyWhileAppending(t *testing.T, a, b store.Store) {
	t0 := now()
	for i := range 20 {
		appendEvents(t, a, "acme", event("http.request", t0, fmt.Sprintf(`{"i":%d}`, i)))
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			if _, err := b.AppendEvents(ctx(t), "acme", event("http.request", t0, fmt.Sprintf(`{"more":%d}`, i))); err != nil {
				t.Errorf("AppendEvents: %v", err)
				return
			}
		}
	})
	for range 10 {
		v, err := store.Verify(ctx(t), a, "acme")
		if err != nil || !v.OK {
			close(done)
			wg.Wait()
			t.Fatalf("Verify during appends = %+v, %v", v, err)
		}
	}
	close(done)
	wg.Wait()
}
