package boltstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/store/storetest"
)

// opened remembers which store each test opened, for the tamper editor.
var opened sync.Map // *testing.T -> *Store

// openFresh opens a store on a new file that is closed when t ends. One
// process holds the file, so both clients of the suite are the same Store.
func openFresh(t *testing.T) (a, b store.Store) {
	s := openAt(t, filepath.Join(t.TempDir(), "lockbox.db"))
	opened.Store(t, s)
	t.Cleanup(func() { opened.Delete(t) })
	return s, s
}

func openAt(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, openFresh)
}

func TestTamper(t *testing.T) {
	storetest.RunTamper(t, openFresh, func(t *testing.T, tenant string, seq int64, edit func([]byte) []byte) {
		s, ok := opened.Load(t)
		if !ok {
			t.Fatal("tamper editor: no store opened by this test")
		}
		editEvent(t, s.(*Store), tenant, seq, edit)
	})
}

// editEvent rewrites one stored event's bytes behind the store's back.
func editEvent(t *testing.T, s *Store, tenant string, seq int64, edit func([]byte) []byte) {
	t.Helper()
	err := s.db.Update(func(tx *bolt.Tx) error {
		audit := child(tenantBucket(tx, tenant), bucketAudit)
		raw := audit.Get(seqKey(seq))
		if raw == nil {
			return errors.New("no such event")
		}
		return audit.Put(seqKey(seq), edit(append([]byte(nil), raw...)))
	})
	if err != nil {
		t.Fatalf("edit event %d: %v", seq, err)
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

var t0 = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

func grant(tenant string, n int) store.Grant {
	return store.Grant{
		ID:        fmt.Sprintf("%s_%04d", tenant, n),
		Tenant:    tenant,
		Scopes:    []string{"read"},
		CreatedBy: store.Actor{ID: "ops:test"},
		CreatedAt: t0.Add(time.Duration(n) * time.Minute),
	}
}

func mustPut(t *testing.T, s *Store, g store.Grant) {
	t.Helper()
	if _, err := s.PutGrant(ctx(t), g); err != nil {
		t.Fatalf("PutGrant(%s): %v", g.ID, err)
	}
}

func mustAppend(t *testing.T, s *Store, tenant string, n int) {
	t.Helper()
	for i := range n {
		e := store.Event{Type: "http.request", Time: t0.Add(time.Duration(i) * time.Second), Data: json.RawMessage(`{"i":1}`)}
		if _, err := s.AppendEvents(ctx(t), tenant, e); err != nil {
			t.Fatalf("AppendEvents: %v", err)
		}
	}
}

func verify(t *testing.T, s *Store, tenant string) store.Verification {
	t.Helper()
	v, err := store.Verify(ctx(t), s, tenant)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return v
}

func TestOpenInUse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lockbox.db")
	openAt(t, path)
	start := time.Now()
	s, err := Open(path)
	if err == nil {
		_ = s.Close()
		t.Fatal("second Open of a locked file succeeded")
	}
	if took := time.Since(start); took > 3*lockTimeout {
		t.Errorf("second Open took %v", took)
	}
	if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), path+" is in use by another process") {
		t.Errorf("second Open: %v", err)
	}
}

func TestOpenCreatesPrivateDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "lockbox")
	path := filepath.Join(dir, "lockbox.db")
	openAt(t, path)
	for p, want := range map[string]os.FileMode{dir: 0o700 | os.ModeDir, path: 0o600} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		// The umask may only take permissions away.
		if fi.Mode()&^want != 0 {
			t.Errorf("%s mode = %v, want at most %v", filepath.Base(p), fi.Mode(), want)
		}
	}
}

func TestOpenDirectory(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(dir)
	if err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Fatalf("Open(directory) = %v, want an is-a-directory error", err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lockbox.db")
	s := openAt(t, path)
	mustPut(t, s, grant("acme", 1))
	mustPut(t, s, grant("acme", 2))
	mustPut(t, s, grant("globex", 1))
	mustAppend(t, s, "acme", 5)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	s = openAt(t, path)
	if g, err := s.ActiveGrant(ctx(t), "acme"); err != nil || g.ID != grant("acme", 2).ID {
		t.Fatalf("active after reopen = %+v, %v", g, err)
	}
	if g, err := s.GetGrant(ctx(t), "acme", grant("acme", 1).ID); err != nil || g.EndReason != store.EndReplaced {
		t.Fatalf("replaced grant after reopen = %+v, %v", g, err)
	}
	h, _, err := s.GrantHistory(ctx(t), "acme", store.Page{})
	if err != nil || len(h) != 2 || h[0].ID != grant("acme", 2).ID {
		t.Fatalf("history after reopen = %+v, %v", h, err)
	}
	if ts, err := s.Tenants(ctx(t)); err != nil || len(ts) != 2 {
		t.Fatalf("tenants after reopen = %v, %v", ts, err)
	}
	mustAppend(t, s, "acme", 1) // the chain continues from the stored head
	if v := verify(t, s, "acme"); !v.OK || v.Events != 6 {
		t.Fatalf("Verify after reopen = %+v", v)
	}
}

func TestTamperedFieldIsFound(t *testing.T) {
	s, _ := openFresh(t)
	mustAppend(t, s.(*Store), "acme", 5)
	editEvent(t, s.(*Store), "acme", 3, func(raw []byte) []byte {
		var e store.Event
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatal(err)
		}
		e.Type = "nothing.happened"
		out, _ := json.Marshal(e)
		return out
	})
	if v := verify(t, s.(*Store), "acme"); v.OK || v.BrokenAt != 3 {
		t.Fatalf("Verify = %+v, want broken at 3", v)
	}
}

func TestDeletedEventIsFound(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "lockbox.db"))
	mustAppend(t, s, "acme", 5)
	err := s.db.Update(func(tx *bolt.Tx) error {
		return child(tenantBucket(tx, "acme"), bucketAudit).Delete(seqKey(3))
	})
	if err != nil {
		t.Fatal(err)
	}
	// Verify names the first event after the gap.
	if v := verify(t, s, "acme"); v.OK || v.BrokenAt != 4 || !strings.Contains(v.Problem, "expected seq 3") {
		t.Fatalf("Verify = %+v, want the gap before seq 4", v)
	}
}

func TestClosed(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "lockbox.db"))
	mustPut(t, s, grant("acme", 1))
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	c := ctx(t)
	_, e1 := s.PutGrant(c, grant("acme", 2))
	_, e2 := s.ActiveGrant(c, "acme")
	_, e3 := s.EndGrant(c, "acme", grant("acme", 1).ID, store.Ending{Reason: store.EndRevoked})
	_, e4 := s.GetGrant(c, "acme", grant("acme", 1).ID)
	_, _, e5 := s.GrantHistory(c, "acme", store.Page{})
	_, e6 := s.Tenants(c)
	_, e7 := s.AppendEvents(c, "acme", store.Event{Type: "x"})
	_, e8 := s.Events(c, "acme", store.EventQuery{})
	_, e9 := s.AuditHead(c, "acme")
	e10 := s.Watch(c, func(store.Change) {})
	for i, err := range []error{e1, e2, e3, e4, e5, e6, e7, e8, e9, e10} {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("call %d after Close: err = %v, want ErrClosed", i+1, err)
		}
	}
}

// A cursor is only valid for the tenant that handed it out.
func TestHistoryCursorOfOtherTenant(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "lockbox.db"))
	for i := range 3 {
		mustPut(t, s, grant("acme", i))
	}
	mustPut(t, s, grant("globex", 1))
	_, next, err := s.GrantHistory(ctx(t), "acme", store.Page{Limit: 1})
	if err != nil || next == "" {
		t.Fatalf("first page: %q, %v", next, err)
	}
	if _, _, err := s.GrantHistory(ctx(t), "globex", store.Page{Cursor: next}); !errors.Is(err, store.ErrInvalidCursor) {
		t.Fatalf("acme's cursor on globex: err = %v, want ErrInvalidCursor", err)
	}
}

func TestDuplicateGrantID(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "lockbox.db"))
	g := grant("acme", 1)
	mustPut(t, s, g)
	if _, err := s.PutGrant(ctx(t), g); err == nil {
		t.Fatal("second PutGrant of the same id: no error")
	}
	if h, _, _ := s.GrantHistory(ctx(t), "acme", store.Page{}); len(h) != 1 || h[0].Ended() {
		t.Fatalf("failed PutGrant changed history: %+v", h)
	}
}

func TestTenantsOnlyWithGrants(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "lockbox.db"))
	mustAppend(t, s, "audit-only", 1)
	mustPut(t, s, grant("acme", 1))
	if ts, err := s.Tenants(ctx(t)); err != nil || len(ts) != 1 || ts[0] != "acme" {
		t.Fatalf("Tenants = %v, %v", ts, err)
	}
}

func TestEventsSinceBetweenMicroseconds(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "lockbox.db"))
	at := t0.Add(10 * time.Microsecond)
	if _, err := s.AppendEvents(ctx(t), "acme", store.Event{Type: "a", Time: at}, store.Event{Type: "b", Time: at.Add(time.Microsecond)}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Events(ctx(t), "acme", store.EventQuery{Since: at.Add(time.Nanosecond)})
	if err != nil || len(got) != 1 || got[0].Type != "b" {
		t.Fatalf("Events since just after the first = %+v, %v", got, err)
	}
}

func TestEventWithoutTimeIsStamped(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "lockbox.db"))
	before := time.Now().Add(-time.Second)
	out, err := s.AppendEvents(ctx(t), "acme", store.Event{Type: "a"})
	if err != nil || out[0].Time.Before(before) {
		t.Fatalf("AppendEvents = %+v, %v", out, err)
	}
}

func TestTimeKeysSortBeforeEpoch(t *testing.T) {
	early := microsKey(time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro())
	late := microsKey(t0.UnixMicro())
	if string(early) >= string(late) {
		t.Fatal("a time before 1970 does not sort first")
	}
}
