package boltstore

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

func session(tenant, id string, started time.Time) store.Session {
	return store.Session{
		ID: id, Tenant: tenant, Grant: "g1",
		Agent:     store.Agent{Subject: "bob", Issuer: "https://idp.test"},
		Scopes:    []string{"read"},
		StartedAt: started, EndsAt: started.Add(time.Hour), LastSeen: started,
	}
}

func TestDuplicateSessionID(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "lockbox.db"))
	if err := s.PutSession(ctx(t), session("acme", "s1", t0)); err != nil {
		t.Fatal(err)
	}
	if err := s.TouchSessions(ctx(t), store.Touch{Tenant: "acme", ID: "s1", LastSeen: t0, Requests: 4}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSession(ctx(t), session("acme", "s1", t0.Add(time.Second))); err == nil {
		t.Fatal("second PutSession of the same id: no error")
	}
	if got, err := s.GetSession(ctx(t), "acme", "s1"); err != nil || got.Requests != 4 {
		t.Fatalf("GetSession after the refused put = %+v, %v", got, err)
	}
}

func TestSessionCursorOfOtherTenant(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "lockbox.db"))
	for i, id := range []string{"s1", "s2"} {
		if err := s.PutSession(ctx(t), session("acme", id, t0.Add(time.Duration(i)*time.Second))); err != nil {
			t.Fatal(err)
		}
	}
	_, next, err := s.Sessions(ctx(t), "acme", store.Page{Limit: 1})
	if err != nil || next == "" {
		t.Fatalf("first page: %q, %v", next, err)
	}
	if _, _, err := s.Sessions(ctx(t), "globex", store.Page{Cursor: next}); !errors.Is(err, store.ErrInvalidCursor) {
		t.Fatalf("acme's cursor on globex: err = %v, want ErrInvalidCursor", err)
	}
}

func TestNewCallsAfterClose(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "lockbox.db"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	c := ctx(t)
	calls := map[string]func() error{
		"PutSession": func() error { return s.PutSession(c, session("acme", "s1", t0)) },
		"GetSession": func() error { _, err := s.GetSession(c, "acme", "s1"); return err },
		"EndSession": func() error { _, err := s.EndSession(c, "acme", "s1", t0, store.SessionExit); return err },
		"TouchSessions": func() error {
			return s.TouchSessions(c, store.Touch{Tenant: "acme", ID: "s1", LastSeen: t0, Requests: 1})
		},
		"Sessions":     func() error { _, _, err := s.Sessions(c, "acme", store.Page{}); return err },
		"PutRecord":    func() error { return s.PutRecord(c, "k", "i", []byte("v"), 0) },
		"CreateRecord": func() error { _, err := s.CreateRecord(c, "k", "i", []byte("v"), 0); return err },
		"SwapRecord":   func() error { _, err := s.SwapRecord(c, "k", "i", []byte("v"), []byte("w"), 0); return err },
		"GetRecord":    func() error { _, err := s.GetRecord(c, "k", "i"); return err },
		"TakeRecord":   func() error { _, err := s.TakeRecord(c, "k", "i"); return err },
		"DeleteRecord": func() error { return s.DeleteRecord(c, "k", "i") },
		"Publish":      func() error { return s.Publish(c, store.Change{Kind: store.ChangeKeys}) },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close: err = %v, want ErrClosed", name, err)
		}
	}
}
