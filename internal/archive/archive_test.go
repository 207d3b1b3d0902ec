package archive_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/archive"
	"github.com/lockbox-gw/lockbox/internal/store"
)

var day = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// chain links n events on day after head.
func chain(t *testing.T, head store.Head, n int) []store.Event {
	t.Helper()
	events := make([]store.Event, n)
	for i := range events {
		events[i] = store.Event{Type: "http.request", Time: day.Add(time.Duration(i) * time.Minute)}
	}
	out, _, err := store.LinkAll(head, "acme", events)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// source yields events in batches of two.
func source(events []store.Event) archive.Source {
	return func() ([]store.Event, error) {
		n := min(2, len(events))
		b := events[:n]
		events = events[n:]
		return b, nil
	}
}

func TestAppendDayIsIdempotent(t *testing.T) {
	a := archive.New(t.TempDir())
	events := chain(t, store.Head{}, 5)
	if last, err := a.AppendDay("acme", day, source(events[:3])); err != nil || last.Seq != 3 {
		t.Fatalf("AppendDay = %+v, %v", last, err)
	}
	path := filepath.Join(a.Dir(), "acme", "events", archive.DayName(day))
	before, _ := os.ReadFile(path)
	// A retry with what is already there writes nothing.
	if last, err := a.AppendDay("acme", day, source(events[:3])); err != nil || last.Seq != 3 {
		t.Fatalf("retried AppendDay = %+v, %v", last, err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Fatal("a retry rewrote the file")
	}
	// Overlapping events add only the new ones.
	if last, err := a.AppendDay("acme", day, source(events)); err != nil || last.Seq != 5 {
		t.Fatalf("AppendDay with overlap = %+v, %v", last, err)
	}
	var seqs []int64
	if err := a.ReadDay("acme", day, func(_ []byte, e store.Event) error { seqs = append(seqs, e.Seq); return nil }); err != nil || len(seqs) != 5 || seqs[4] != 5 {
		t.Fatalf("ReadDay = %v, %v", seqs, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
}

func TestAppendDayRefusesGapsAndForks(t *testing.T) {
	a := archive.New(t.TempDir())
	events := chain(t, store.Head{}, 5)
	if _, err := a.AppendDay("acme", day, source(events[:2])); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AppendDay("acme", day, source(events[3:])); err == nil {
		t.Fatal("a gap was written")
	}
	fork := chain(t, store.Head{}, 2)
	fork[1].Hash = "forged"
	if _, err := a.AppendDay("acme", day, source(fork)); err == nil {
		t.Fatal("a different event at an archived seq was accepted")
	}
	next := day.Add(24 * time.Hour)
	if _, err := a.AppendDay("acme", next, source(events[2:3])); err == nil {
		t.Fatal("an event of another day was accepted")
	}
}

func TestArchiveHostileInput(t *testing.T) {
	dir := t.TempDir()
	a := archive.New(dir)
	for _, tenant := range []string{"", ".", ".."} {
		if _, err := a.AppendDay(tenant, day, source(nil)); err == nil {
			t.Errorf("tenant %q accepted", tenant)
		}
	}
	// A tenant with a slash stays inside the archive.
	if _, err := a.AppendDay("a/../../b", day, source(chain(t, store.Head{}, 1))); err != nil {
		t.Fatalf("AppendDay of an escaped tenant name: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "..", "b")); err == nil {
		t.Fatal("a tenant name escaped the archive")
	}
	missing := archive.New(filepath.Join(dir, "missing"))
	if err := missing.Check(); err == nil {
		t.Fatal("Check of a missing directory passed")
	}
	if _, err := missing.AppendDay("acme", day, source(chain(t, store.Head{}, 1))); err == nil {
		t.Fatal("AppendDay created a missing archive directory")
	}
	path := filepath.Join(dir, "acme", "events", archive.DayName(day))
	_ = os.MkdirAll(filepath.Dir(path), 0o750)
	_ = os.WriteFile(path, []byte("not gzip"), 0o640)
	if err := a.ReadDay("acme", day, func([]byte, store.Event) error { return nil }); !errors.Is(err, archive.ErrCorrupt) {
		t.Fatalf("ReadDay of junk = %v, want ErrCorrupt", err)
	}
	if _, err := a.AppendDay("acme", day, source(chain(t, store.Head{}, 1))); !errors.Is(err, archive.ErrCorrupt) {
		t.Fatalf("AppendDay onto junk = %v, want ErrCorrupt", err)
	}
}
