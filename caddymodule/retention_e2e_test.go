package caddymodule_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// TestRetentionThroughLockbox starts lockbox on a bolt file holding old
// events with audit_archive and audit_retention set: the mover moves the
// old days at start, and the CLI verifies the chain across the cut and
// exports it.
func TestRetentionThroughLockbox(t *testing.T) {
	t.Parallel()
	bin := lockboxBinary(t)
	dir := t.TempDir()
	db, archiveDir := filepath.Join(dir, "lockbox.db"), filepath.Join(dir, "archive")
	if err := os.Mkdir(archiveDir, 0o750); err != nil {
		t.Fatal(err)
	}
	fillOldEvents(t, db)
	s := startInstance(t, bin, fmt.Sprintf("bolt %s\n\t\taudit_archive %s\n\t\taudit_retention 2d", db, archiveDir))

	var health struct {
		OK    bool  `json:"ok"`
		Moved int64 `json:"moved"`
	}
	var err error
	testkit.EventuallyWithin(t, runTimeout, func() bool {
		health.OK, health.Moved = false, 0
		var resp *http.Response
		if resp, err = http.Get("http://" + s.admin + "/lockbox/audit/retention"); err == nil {
			_ = json.NewDecoder(resp.Body).Decode(&health)
			resp.Body.Close()
		}
		return health.Moved == 40
	}, "the mover to move the old days: %s", testkit.Lazy(func() string { return fmt.Sprintf("%+v, %v", health, err) }))
	out := s.ok("audit", "verify", "--tenant", "acme", "--archive", archiveDir)
	wantContains(t, out, "holds: 40 archived and 10 stored events from seq 1 to 50")
	if r := s.lockbox("audit", "verify", "--tenant", "acme"); r.code != 0 {
		t.Fatalf("audit verify of the store alone: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	days, _ := filepath.Glob(filepath.Join(archiveDir, "acme", "events", "*.jsonl.gz"))
	if len(days) != 2 {
		t.Fatalf("day files %v, want 2", days)
	}
	_ = os.Remove(days[0])
	r := s.lockbox("audit", "verify", "--tenant", "acme", "--archive", archiveDir)
	if r.code == 0 || !strings.Contains(r.stdout, "missing_events") {
		t.Fatalf("verify without the first day: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	exported := filepath.Join(dir, "audit.jsonl")
	s.ok("audit", "export", "--out", exported)
	raw, _ := os.ReadFile(exported)
	if n := strings.Count(string(raw), "\n"); n != 10 {
		t.Fatalf("exported %d lines, want the 10 kept in the store", n)
	}
}

// fillOldEvents writes 20 events on each of the two days four and three
// days back and 10 now, for tenant acme, into a new bolt file.
func fillOldEvents(t *testing.T, path string) {
	t.Helper()
	st := testkit.BoltAt(t, path)
	defer st.Close() // the gateway opens the file next
	ctx := context.Background()
	now := time.Now().UTC()
	if _, err := st.PutGrant(ctx, store.Grant{ID: "g1", Tenant: "acme", CreatedAt: now.Add(-5 * 24 * time.Hour), CreatedBy: store.Actor{ID: "ops"}, Scopes: []string{"read"}}); err != nil {
		t.Fatal(err)
	}
	day := now.Truncate(24 * time.Hour)
	var events []store.Event
	for _, d := range []time.Time{day.Add(-4 * 24 * time.Hour), day.Add(-3 * 24 * time.Hour)} {
		for i := range 20 {
			events = append(events, store.Event{Type: "http.request", Time: d.Add(time.Duration(i) * time.Minute)})
		}
	}
	for range 10 {
		events = append(events, store.Event{Type: "http.request", Time: now})
	}
	if _, err := st.AppendEvents(ctx, "acme", events...); err != nil {
		t.Fatal(err)
	}
}
