package store_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// requestEvent is an http.request event as the gateway records it.
func requestEvent(at time.Time) store.Event {
	return store.Event{
		Type:    "http.request",
		Time:    at,
		Actor:   &store.Actor{ID: "agent:248289761001", Email: "bob@vendor.example"},
		Grant:   "g_01JD6W7Q1Z8C7V5N2M4K3H9TQX",
		Session: "s_01JD6W8F3C9B2A7D5E4F6G8H0J",
		Data:    json.RawMessage(`{"method":"GET","path":"/api/orders","status":200,"bytes":1024,"duration_ms":3}`),
	}
}

// marshalCanonical is the canonical form as json.Marshal writes it, which
// events stored before the hand-written encoder were hashed over.
func marshalCanonical(t *testing.T, e store.Event) []byte {
	t.Helper()
	e.Hash = ""
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCanonicalIsJSONMarshal(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 891011000, time.UTC)
	tests := []struct {
		name string
		e    store.Event
	}{
		{name: "request", e: requestEvent(at)},
		{name: "bare", e: store.Event{Seq: 1, Tenant: "acme", Type: "grant.created"}},
		{name: "actor role only", e: store.Event{Seq: 2, Type: "x", Actor: &store.Actor{ID: "admin-7", Role: "owner"}, Data: json.RawMessage(`{}`)}},
		{name: "escapes", e: store.Event{Seq: 3, Type: "a\"b\\c\n\r\t\b\f\x00\x1f\x7f<>&", Session: "\u2028\u2029é😀", Grant: "bad\xffutf8\xe2\x80"}},
		{name: "data spaces and html", e: store.Event{Type: "t", Data: json.RawMessage(" { \"b\" : [1, 2] ,\n\"a\":\"<x>&\u2028\" } ")}},
		{name: "offset time", e: store.Event{Type: "t", Time: time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("", 5*3600+1800))}},
		{name: "prev and hash", e: store.Event{Seq: 9, PrevHash: "ab12", Hash: "ignored"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.e.Canonical()
			if err != nil {
				t.Fatal(err)
			}
			if want := marshalCanonical(t, tt.e); !bytes.Equal(got, want) {
				t.Fatalf("Canonical\n got %s\nwant %s", got, want)
			}
		})
	}
}

func TestCanonicalRefusesWhatJSONRefuses(t *testing.T) {
	for _, e := range []store.Event{
		{Type: "t", Data: json.RawMessage(`{"a":`)},
		{Type: "t", Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		if _, err := e.Canonical(); err == nil {
			t.Errorf("Canonical of %+v: no error", e)
		}
	}
}

func TestLinkedJSONIsWhatIsStored(t *testing.T) {
	at := time.Now()
	events := []store.Event{
		requestEvent(at),
		{Type: "session.ended", Time: at.Add(-time.Hour), Session: "s\xff", Data: json.RawMessage(` {"z":1, "a":"<&>", "s":"` + "\xfe" + `"} `)},
		{Type: "grant.created"},
	}
	linked, encoded, head, err := store.LinkAllJSON(store.Head{Seq: 41, Hash: "41", Time: at}, "acme", events)
	if err != nil {
		t.Fatal(err)
	}
	if head.Seq != 44 || head.Hash != linked[2].Hash {
		t.Fatalf("head %+v", head)
	}
	for i, e := range linked {
		if want, _ := json.Marshal(e); !bytes.Equal(encoded[i], want) {
			t.Fatalf("event %d stored as\n%s\nwant\n%s", i, encoded[i], want)
		}
		var back store.Event
		if err := json.Unmarshal(encoded[i], &back); err != nil {
			t.Fatal(err)
		}
		if h, err := back.ComputeHash(); err != nil || h != e.Hash {
			t.Fatalf("event %d read back hashes to %s, %v; stored hash %s", i, h, err, e.Hash)
		}
		if !bytes.Equal(back.Data, e.Data) || back.Session != e.Session {
			t.Fatalf("event %d read back differs: %+v, linked %+v", i, back, e)
		}
	}
	if got := string(linked[1].Data); got != `{"z":1,"a":"\u003c\u0026\u003e","s":"`+"\uFFFD"+`"}` {
		t.Fatalf("data not canonical: %s", got)
	}
	if !linked[1].Time.Equal(linked[0].Time) || linked[0].PrevHash != "41" || linked[1].PrevHash != linked[0].Hash {
		t.Fatalf("not linked in order: %+v", linked)
	}
}

func TestLinkRefusesDataNotAnObject(t *testing.T) {
	for _, bad := range []string{`[1,2]`, `"text"`, `{"a":`, `null`, `1`, `{} {}`} {
		_, _, err := store.LinkAll(store.Head{}, "acme", []store.Event{{Type: "t", Data: json.RawMessage(bad)}})
		if err == nil {
			t.Errorf("data %s: no error", bad)
		}
	}
	_, _, err := store.LinkAll(store.Head{}, "acme", []store.Event{{Type: "t", Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}})
	if err == nil {
		t.Errorf("time out of range: %v", err)
	}
}

func FuzzCanonicalIsJSONMarshal(f *testing.F) {
	f.Add("http.request", "s_1", "bob@x", `{"path":"/a"}`, int64(1), int64(0))
	f.Add("a<b>\x00", "\xff\u2028", "", `{"a":"\u2029&"}`, int64(-5), int64(1e18))
	f.Fuzz(func(t *testing.T, typ, session, email, data string, seq, nanos int64) {
		e := store.Event{Seq: seq, Type: typ, Session: session, Time: time.Unix(0, nanos).UTC(), Actor: &store.Actor{ID: typ, Email: email}, Data: json.RawMessage(data)}
		got, err := e.Canonical()
		want, werr := json.Marshal(e)
		if (err != nil) != (werr != nil) {
			t.Fatalf("Canonical error %v, json.Marshal error %v", err, werr)
		}
		if err == nil && !bytes.Equal(got, want) {
			t.Fatalf("Canonical\n got %q\nwant %q", got, want)
		}
	})
}

func BenchmarkLinkAll(b *testing.B) {
	t0 := time.Now()
	events := make([]store.Event, 256)
	for i := range events {
		events[i] = requestEvent(t0.Add(time.Duration(i) * time.Millisecond))
	}
	head := store.Head{}
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if _, _, head, err = store.LinkAllJSON(head, "acme", events); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(events)), "ns/event")
}
