package export_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/export"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

func open(t *testing.T) store.Store {
	s := testkit.Bolt(t)
	for _, tn := range []string{"acme", "globex"} {
		g := store.Grant{ID: "g_" + tn, Tenant: tn, CreatedAt: time.Now(), CreatedBy: store.Actor{ID: "ops"}, Scopes: []string{"read"}}
		if _, err := s.PutGrant(context.Background(), g); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func add(t *testing.T, s store.Store, tenant string, n int) {
	t.Helper()
	for i := range n {
		if _, err := s.AppendEvents(context.Background(), tenant, store.Event{Type: "http.request", Data: []byte(fmt.Sprintf(`{"i":%d}`, i))}); err != nil {
			t.Fatal(err)
		}
	}
}

// lines reads the output and fails on a repeated or missing seq.
func lines(t *testing.T, path string) map[string]int64 {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	last := map[string]int64{}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		var e store.Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		if e.Seq != last[e.Tenant]+1 {
			t.Fatalf("%s seq %d after %d: repeated or missing", e.Tenant, e.Seq, last[e.Tenant])
		}
		last[e.Tenant] = e.Seq
	}
	return last
}

func TestExportSurvivesRestartsAndCrashes(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	dir := t.TempDir()
	out, state := filepath.Join(dir, "audit.jsonl"), filepath.Join(dir, "audit.cursor")
	add(t, s, "acme", 3)
	add(t, s, "globex", 2)
	x, err := export.Open(s, out, state, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := x.Once(ctx); err != nil || n != 5 {
		t.Fatalf("Once = %d, %v", n, err)
	}
	_ = x.Close()

	// A restart exports only what is new.
	add(t, s, "acme", 2)
	x, err = export.Open(s, out, state, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := x.Once(ctx); err != nil || n != 2 {
		t.Fatalf("Once after restart = %d, %v", n, err)
	}
	_ = x.Close()

	// A crash after writing lines but before saving the cursor, the last
	// line cut short: the written lines count, the partial one goes.
	add(t, s, "globex", 3)
	events, _ := s.Events(ctx, "globex", store.EventQuery{AfterSeq: 2})
	f, _ := os.OpenFile(out, os.O_APPEND|os.O_WRONLY, 0)
	for _, e := range events[:2] {
		b, _ := json.Marshal(e)
		_, _ = f.Write(append(b, '\n'))
	}
	b, _ := json.Marshal(events[2])
	_, _ = f.Write(b[:len(b)/2])
	_ = f.Close()
	x, err = export.Open(s, out, state, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := x.Once(ctx); err != nil || n != 1 {
		t.Fatalf("Once after the crash = %d, %v; want only the cut event", n, err)
	}
	_ = x.Close()
	if last := lines(t, out); last["acme"] != 5 || last["globex"] != 5 {
		t.Fatalf("exported up to %v", last)
	}
}

func TestExportToStdoutKeepsCursor(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	state := filepath.Join(t.TempDir(), "cursor")
	add(t, s, "acme", 2)
	var buf bytes.Buffer
	x, err := export.Open(s, "-", state, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := x.Once(ctx); err != nil || n != 2 {
		t.Fatalf("Once = %d, %v", n, err)
	}
	add(t, s, "acme", 1)
	buf.Reset()
	x, err = export.Open(s, "-", state, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := x.Once(ctx); err != nil || n != 1 || bytes.Count(buf.Bytes(), []byte("\n")) != 1 {
		t.Fatalf("Once after restart = %d, %v: %s", n, err, buf.String())
	}
	if _, err := export.Open(s, "-", "", &buf); err == nil {
		t.Fatal("an export without a cursor file was opened")
	}
}
