package appapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit/apitest"
)

type sessionDetail struct {
	Session   store.Session `json:"session"`
	Events    []store.Event `json:"events"`
	NextAfter int64         `json:"next_after"`
}

// putSession stores a session of tenant started at start.
func (e *env) putSession(tenant, id string, start time.Time) store.Session {
	e.t.Helper()
	s := apitest.Session(tenant, id, start)
	if err := e.Store.PutSession(ctx(e.t), s); err != nil {
		e.t.Fatal(err)
	}
	return s
}

// event is an audit event of session sid at t.
func event(typ, sid string, t time.Time, path string) store.Event {
	data, _ := json.Marshal(map[string]any{"method": "GET", "path": path, "status": 200})
	return store.Event{Type: typ, Session: sid, Time: t, Data: data}
}

func (e *env) appendEvents(tenant string, events ...store.Event) {
	e.t.Helper()
	if _, err := e.Store.AppendEvents(ctx(e.t), tenant, events...); err != nil {
		e.t.Fatal(err)
	}
}

func paths(es []store.Event) []string {
	var out []string
	for _, e := range es {
		var d struct{ Path string }
		_ = json.Unmarshal(e.Data, &d)
		out = append(out, e.Type+" "+d.Path)
	}
	return out
}

func TestSessionsNewestFirst(t *testing.T) {
	e := newEnv(t, nil)
	now := e.Clock.Now()
	for i := range 3 {
		e.putSession("acme", fmt.Sprint("s_", i), now.Add(time.Duration(i)*time.Minute))
	}
	e.putSession("globex", "s_g", now)
	var first, second apitest.SessionsPage
	e.call(http.MethodGet, "/tenants/acme/sessions?limit=2", "", http.StatusOK, &first)
	if len(first.Sessions) != 2 || first.Sessions[0].ID != "s_2" || first.NextCursor == "" {
		t.Fatalf("first page %+v", first)
	}
	e.call(http.MethodGet, "/tenants/acme/sessions?limit=2&cursor="+first.NextCursor, "", http.StatusOK, &second)
	if len(second.Sessions) != 1 || second.Sessions[0].ID != "s_0" || second.NextCursor != "" {
		t.Fatalf("second page %+v", second)
	}
	r := e.call(http.MethodGet, "/tenants/initech/sessions", "", http.StatusOK, nil)
	if got := strings.TrimSpace(string(r.Body)); got != `{"sessions":[]}` {
		t.Fatalf("no sessions: %s", got)
	}
	e.callError(http.MethodGet, "/tenants/acme/sessions?cursor=bogus", "", 400, "invalid_cursor")
	e.callError(http.MethodGet, "/tenants/acme/sessions?since=2030-01-01T00:00:00Z", "", 400, "invalid_query")
}

func TestSessionWithItsEvents(t *testing.T) {
	e := newEnv(t, nil)
	t0 := e.Clock.Now().Add(time.Hour).Add(123 * time.Nanosecond)
	a := e.putSession("acme", "s_a", t0)
	e.putSession("acme", "s_b", t0)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	e.appendEvents("acme",
		event("grant.created", "", at(-10), ""),
		event("session.started", "s_a", t0, ""),
		event("session.started", "s_b", at(1), ""),
		event("http.request", "s_a", at(2), "/a1"),
		event("http.request", "s_b", at(3), "/b1"),
		event("http.request", "s_a", at(4), "/a2"),
		event("access.denied", "s_a", at(5), "/settings/billing"),
		event("http.request", "s_b", at(6), "/b2"),
		event("session.ended", "s_a", at(7), ""),
	)
	e.appendEvents("globex", event("http.request", "s_a", at(3), "/elsewhere"))
	if _, err := e.Store.EndSession(ctx(t), "acme", "s_a", at(7), store.SessionExit); err != nil {
		t.Fatal(err)
	}
	e.appendEvents("acme", event("http.request", "s_a", at(8), "/late"), event("http.request", "s_b", at(200), "/b3"))

	var all sessionDetail
	e.call(http.MethodGet, "/tenants/acme/sessions/s_a", "", http.StatusOK, &all)
	want := []string{"session.started ", "http.request /a1", "http.request /a2", "access.denied /settings/billing", "session.ended ", "http.request /late"}
	if got := paths(all.Events); !slices.Equal(got, want) || all.NextAfter != 0 {
		t.Fatalf("events %v (next %d), want %v", got, all.NextAfter, want)
	}
	if all.Session.ID != a.ID || !all.Session.Ended() || all.Session.EndReason != store.SessionExit {
		t.Fatalf("session %+v", all.Session)
	}

	var got []string
	next := int64(0)
	for page := 0; ; page++ {
		var d sessionDetail
		e.call(http.MethodGet, fmt.Sprintf("/tenants/acme/sessions/s_a?limit=2&after=%d", next), "", http.StatusOK, &d)
		got = append(got, paths(d.Events)...)
		if next = d.NextAfter; next == 0 || page > 5 {
			break
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("paged events %v, want %v", got, want)
	}

	var live sessionDetail
	e.call(http.MethodGet, "/tenants/acme/sessions/s_b", "", http.StatusOK, &live)
	if got := paths(live.Events); !slices.Equal(got, []string{"session.started ", "http.request /b1", "http.request /b2", "http.request /b3"}) {
		t.Fatalf("live session events %v", got)
	}
}

// TestSessionScanIsBounded: a session whose events sit behind many other
// events is answered in steps, each with where to go on.
func TestSessionScanIsBounded(t *testing.T) {
	e := newEnv(t, nil)
	t0 := e.Clock.Now()
	e.putSession("acme", "s_a", t0)
	other := make([]store.Event, 10*store.MaxPageSize+5)
	for i := range other {
		other[i] = event("http.request", "s_busy", t0, "/x")
	}
	e.appendEvents("acme", other...)
	e.appendEvents("acme", event("http.request", "s_a", t0, "/mine"))

	var first sessionDetail
	e.call(http.MethodGet, "/tenants/acme/sessions/s_a", "", http.StatusOK, &first)
	if len(first.Events) != 0 || first.NextAfter == 0 {
		t.Fatalf("first step: %d events, next %d", len(first.Events), first.NextAfter)
	}
	var second sessionDetail
	e.call(http.MethodGet, fmt.Sprintf("/tenants/acme/sessions/s_a?after=%d", first.NextAfter), "", http.StatusOK, &second)
	if got := paths(second.Events); !slices.Equal(got, []string{"http.request /mine"}) || second.NextAfter != 0 {
		t.Fatalf("second step: %v, next %d", got, second.NextAfter)
	}
}

func TestSessionRefused(t *testing.T) {
	e := newEnv(t, nil)
	e.putSession("globex", "s_g", e.Clock.Now())
	e.callError(http.MethodGet, "/tenants/acme/sessions/s_none", "", 404, "session_not_found")
	e.callError(http.MethodGet, "/tenants/acme/sessions/s_g", "", 404, "session_not_found")
	e.callError(http.MethodGet, "/tenants/acme/sessions/"+strings.Repeat("s", 600), "", 404, "session_not_found")
	e.callError(http.MethodGet, "/tenants/acme/sessions/s%0A1", "", 404, "session_not_found")
	e.callError(http.MethodGet, "/tenants/globex/sessions/s_g?limit=x", "", 400, "invalid_query")
	e.callError(http.MethodGet, "/tenants/globex/sessions/s_g?cursor=x", "", 400, "invalid_query")
	e.callError(http.MethodDelete, "/tenants/globex/sessions/s_g", "", 405, "method_not_allowed")
}
