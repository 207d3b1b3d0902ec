package tenantadmin_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

func TestSessionEventsPagesThroughOneSession(t *testing.T) {
	st := testkit.Bolt(t)
	start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	s := store.Session{ID: "s_1", Tenant: "acme", StartedAt: start, EndsAt: start.Add(time.Hour)}
	var events []store.Event
	events = append(events, store.Event{Type: "before", Time: start.Add(-time.Hour), Session: "s_1"})
	for i := range 2500 {
		id := "s_1"
		if i%2 == 1 {
			id = "s_2"
		}
		events = append(events, store.Event{Type: "http.request", Time: start.Add(time.Second), Session: id, Data: fmt.Appendf(nil, `{"n":%d}`, i)})
	}
	if _, err := st.AppendEvents(ctx(t), "acme", events...); err != nil {
		t.Fatal(err)
	}
	var got []store.Event
	var after int64
	for pages := 0; ; pages++ {
		page, next, err := tenantadmin.SessionEvents(ctx(t), st, s, store.EventQuery{AfterSeq: after, Limit: 400})
		if err != nil || pages > 10 {
			t.Fatalf("page %d: %v", pages, err)
		}
		got = append(got, page...)
		if next == 0 {
			break
		}
		after = next
	}
	if len(got) != 1250 {
		t.Fatalf("%d events of s_1, want 1250 (none from before it started)", len(got))
	}
	for i, e := range got {
		if e.Session != "s_1" || (i > 0 && e.Seq <= got[i-1].Seq) {
			t.Fatalf("event %d: %+v", i, e)
		}
	}
}

func TestSessionEventsStopAfterTheEnd(t *testing.T) {
	st := testkit.Bolt(t)
	start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	end := start.Add(time.Hour)
	s := store.Session{ID: "s_1", Tenant: "acme", StartedAt: start, EndedAt: &end}
	if _, err := st.AppendEvents(ctx(t), "acme",
		store.Event{Type: "in", Time: start.Add(time.Minute), Session: "s_1"},
		store.Event{Type: "straggler", Time: end.Add(30 * time.Second), Session: "s_1"},
		store.Event{Type: "forged later", Time: end.Add(time.Hour), Session: "s_1"},
	); err != nil {
		t.Fatal(err)
	}
	got, next, err := tenantadmin.SessionEvents(ctx(t), st, s, store.EventQuery{})
	if err != nil || next != 0 || len(got) != 2 || got[1].Type != "straggler" {
		t.Fatalf("events %+v, next %d, %v", got, next, err)
	}
}
