package opsapi_test

import (
	"encoding/binary"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/testkit/apitest"
)

// auditFixture creates five grants an hour apart on acme, leaving nine
// events: seq 1 at t[0], then a replaced and a created event at each of
// t[1] to t[4].
func auditFixture(t *testing.T, e *env) []time.Time {
	t.Helper()
	var at []time.Time
	for range 5 {
		e.clock.Add(time.Hour)
		at = append(at, e.clock.Now())
		e.create("acme", `{"duration":"7d","by":"dana"}`)
	}
	return at
}

func TestAuditPaging(t *testing.T) {
	e, _ := newBoltEnv(t)
	at := auditFixture(t, e)
	ts := func(i int) string { return at[i].Format(time.RFC3339) }
	tests := []struct {
		name      string
		query     url.Values
		seqs      []int64
		nextAfter int64
	}{
		{name: "all", seqs: seqRange(1, 9)},
		{name: "first page", query: url.Values{"limit": {"4"}}, seqs: seqRange(1, 4), nextAfter: 4},
		{name: "second page", query: url.Values{"limit": {"4"}, "after": {"4"}}, seqs: seqRange(5, 8), nextAfter: 8},
		{name: "last page", query: url.Values{"limit": {"4"}, "after": {"8"}}, seqs: []int64{9}},
		{name: "full last page", query: url.Values{"limit": {"3"}, "after": {"6"}}, seqs: seqRange(7, 9), nextAfter: 9},
		{name: "past the end", query: url.Values{"after": {"9"}}, seqs: nil},
		{name: "since", query: url.Values{"since": {ts(2)}}, seqs: seqRange(4, 9)},
		{name: "until", query: url.Values{"until": {ts(2)}}, seqs: seqRange(1, 5)},
		{name: "since and until", query: url.Values{"since": {ts(1)}, "until": {ts(2)}}, seqs: seqRange(2, 5)},
		{name: "since other zone", query: url.Values{"since": {at[2].In(time.FixedZone("", 2*3600)).Format(time.RFC3339)}}, seqs: seqRange(4, 9)},
		{name: "since in pages", query: url.Values{"since": {ts(1)}, "limit": {"2"}}, seqs: []int64{2, 3}, nextAfter: 3},
		{name: "since next page", query: url.Values{"since": {ts(1)}, "limit": {"2"}, "after": {"3"}}, seqs: []int64{4, 5}, nextAfter: 5},
		{name: "until before all", query: url.Values{"until": {at[0].Add(-time.Second).Format(time.RFC3339)}}, seqs: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p apitest.AuditPage
			r := e.call(http.MethodGet, "/lockbox/tenants/acme/audit?"+tt.query.Encode(), "", http.StatusOK, &p)
			if got := eventSeqs(p.Events); !slices.Equal(got, tt.seqs) || p.NextAfter != tt.nextAfter {
				t.Fatalf("seqs %v next_after %d, want %v %d", got, p.NextAfter, tt.seqs, tt.nextAfter)
			}
			if tt.nextAfter == 0 && strings.Contains(string(r.Body), "next_after") {
				t.Fatalf("next_after present on a short page: %s", r.Body)
			}
		})
	}
}

func TestAuditEventsAreStoreEvents(t *testing.T) {
	e, _ := newBoltEnv(t)
	g := e.create("acme", `{"duration":"7d","note":"ticket 42","by":"dana"}`)
	var p apitest.AuditPage
	e.call(http.MethodGet, "/lockbox/tenants/acme/audit", "", http.StatusOK, &p)
	stored, err := e.store.Events(ctx(t), "acme", store.EventQuery{})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(stored)
	got, _ := json.Marshal(p.Events)
	if string(got) != string(want) || p.Events[0].Grant != g.ID || p.Events[0].Actor.ID != "ops:dana" {
		t.Fatalf("events %s, stored %s", got, want)
	}
	r := e.call(http.MethodGet, "/lockbox/tenants/nobody/audit", "", http.StatusOK, nil)
	if got := strings.TrimSpace(string(r.Body)); got != `{"events":[]}` {
		t.Fatalf("audit of a tenant without events: %s", got)
	}
}

func TestVerifyFindsTampering(t *testing.T) {
	e, path := newBoltEnv(t)
	auditFixture(t, e)
	var v store.Verification
	e.call(http.MethodGet, "/lockbox/tenants/acme/audit/verify", "", http.StatusOK, &v)
	if !v.OK || v.Events != 9 || v.BrokenAt != 0 || v.Problem != "" || v.Head == "" {
		t.Fatalf("verify before tampering: %+v", v)
	}

	e.stop()
	tamper(t, path, "acme", 4)
	e.start()

	r := e.call(http.MethodGet, "/lockbox/tenants/acme/audit/verify", "", http.StatusOK, nil)
	var shape map[string]any
	if err := json.Unmarshal(r.Body, &shape); err != nil || len(shape) != 5 {
		t.Fatalf("verification body %s: want tenant, events, ok, broken_at and problem", r.Body)
	}
	v = store.Verification{}
	testkit.DecodeStrict(t, r.Body, &v)
	if v.OK || v.Tenant != "acme" || v.BrokenAt != 4 || v.Events != 3 || !strings.Contains(v.Problem, "changed") {
		t.Fatalf("verify after tampering: %+v", v)
	}
	e.call(http.MethodGet, "/lockbox/tenants/globex/audit/verify", "", http.StatusOK, &v)
	if !v.OK || v.Events != 0 {
		t.Fatalf("verify of an empty chain: %+v", v)
	}
}

// tamper rewrites the actor of one stored event directly in the bbolt
// file (tenants/<tenant>/audit/<seq as 8 bytes big-endian>), as someone
// with access to the file might.
func tamper(t *testing.T, path, tenant string, seq int64) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatalf("open bolt file: %v", err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		audit := tx.Bucket([]byte("tenants")).Bucket([]byte(tenant)).Bucket([]byte("audit"))
		key := binary.BigEndian.AppendUint64(nil, uint64(seq))
		var ev store.Event
		if err := json.Unmarshal(audit.Get(key), &ev); err != nil {
			return err
		}
		ev.Actor = &store.Actor{ID: "ops:mallory"}
		raw, err := json.Marshal(ev)
		if err != nil {
			return err
		}
		return audit.Put(key, raw)
	})
	if err != nil {
		t.Fatalf("tamper with event %d: %v", seq, err)
	}
}

func seqRange(from, to int64) []int64 {
	var out []int64
	for s := from; s <= to; s++ {
		out = append(out, s)
	}
	return out
}

func eventSeqs(es []store.Event) []int64 {
	var out []int64
	for _, e := range es {
		out = append(out, e.Seq)
	}
	return out
}
