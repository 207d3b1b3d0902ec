package storetest

import (
	"bytes"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// Editor rewrites the stored bytes of one audit event behind the store's
// back, the way an attacker with access to the backend would.
type Editor func(t *testing.T, tenant string, seq int64, edit func(raw []byte) []byte)

// RunTamper checks that store.Verify names the first edited event, whether
// the attacker edits only the content or also recomputes its hash.
func RunTamper(t *testing.T, open Opener, editor Editor) {
	t.Run("TamperContent", func(t *testing.T) {
		s, _ := open(t)
		seedChain(t, s)
		editor(t, "acme", 3, func(raw []byte) []byte {
			return bytes.Replace(raw, []byte(`"path":"/p3"`), []byte(`"path":"/innocent"`), 1)
		})
		expectBroken(t, s, 3)
	})
	t.Run("TamperContentAndHash", func(t *testing.T) {
		s, _ := open(t)
		seedChain(t, s)
		events, err := s.Events(ctx(t), "acme", store.EventQuery{AfterSeq: 2, Limit: 1})
		if err != nil || len(events) != 1 {
			t.Fatalf("Events: %v", err)
		}
		forged := events[0]
		forged.Data = []byte(`{"path":"/innocent"}`)
		h, _ := forged.ComputeHash()
		editor(t, "acme", 3, func(raw []byte) []byte {
			raw = bytes.Replace(raw, []byte(`"path":"/p3"`), []byte(`"path":"/innocent"`), 1)
			return bytes.Replace(raw, []byte(events[0].Hash), []byte(h), 1)
		})
		expectBroken(t, s, 4) // event 3 is self-consistent now; 4's prev_hash exposes it
	})
}

func seedChain(t *testing.T, s store.Store) {
	t0 := now()
	for i := 1; i <= 5; i++ {
		appendEvents(t, s, "acme", event("http.request", t0.Add(time.Duration(i)*time.Second), `{"path":"/p`+string(rune('0'+i))+`"}`))
	}
	verifyOK(t, s, "acme", 5)
}

func expectBroken(t *testing.T, s store.Store, seq int64) {
	t.Helper()
	v, err := store.Verify(ctx(t), s, "acme")
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if v.OK || v.BrokenAt != seq || v.Problem == "" {
		t.Fatalf("Verify = %+v, want broken at %d", v, seq)
	}
}
