package boltstore

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/store/storetest"
)

func TestNewCallsAfterClose(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "lockbox.db"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	c := ctx(t)
	calls := map[string]func() error{
		"PutSession": func() error { return s.PutSession(c, storetest.Session("acme", "s1", t0)) },
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
