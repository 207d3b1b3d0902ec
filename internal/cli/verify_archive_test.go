package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/archive"
	"github.com/lockbox-gw/lockbox/internal/checkpoint"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/opsapi"
	"github.com/lockbox-gw/lockbox/internal/retention"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// TestVerifyArchiveThroughTheOpsAPI runs `audit verify --archive
// --checkpoint` against the real ops API over a bolt store whose oldest
// days moved to the archive.
func TestVerifyArchiveThroughTheOpsAPI(t *testing.T) {
	ctx := context.Background()
	st := testkit.Bolt(t)
	now := testNow
	clock := func() time.Time { return now }
	for d := 4; d >= 0; d-- {
		for i := range 20 {
			at := retention.Day(now).Add(-time.Duration(d)*24*time.Hour + time.Duration(i)*time.Minute)
			if _, err := st.AppendEvents(ctx, "acme", store.Event{Type: "http.request", Time: at, Data: []byte(fmt.Sprintf(`{"i":%d}`, i))}); err != nil {
				t.Fatal(err)
			}
		}
	}
	keys := token.NewKeys(st, clock)
	dir := t.TempDir()
	svc := &checkpoint.Service{Store: st, Keys: keys, Archive: archive.New(dir), Now: clock}
	cp, err := svc.SignTenant(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	cpFile := filepath.Join(t.TempDir(), "acme.checkpoints")
	if err := os.WriteFile(cpFile, []byte(cp.JWS+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := retention.New(retention.Config{Store: st, Archive: archive.New(dir), Window: 48 * time.Hour, Holder: "gw", Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if moved, err := m.MoveTenant(ctx, "acme"); err != nil || moved != 40 {
		t.Fatalf("MoveTenant = %d, %v", moved, err)
	}
	api := opsapi.New(grant.New(st, clock), opsapi.WithKeys(keys, nil))
	out := &bytes.Buffer{}
	c := &Client{Out: out, Now: clock, Send: func(method, uri string, body []byte) (int, []byte, error) {
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, httptest.NewRequest(method, uri, bytes.NewReader(body)))
		return rec.Code, rec.Body.Bytes(), nil
	}}
	o := ArchiveVerifyOptions{Tenant: "acme", Archive: dir, Checkpoints: []string{cpFile}}
	if err := c.VerifyArchive(ctx, o); err != nil {
		t.Fatalf("VerifyArchive: %v\n%s", err, out)
	}
	if want := "Audit chain of tenant acme holds: 40 archived and 60 stored events from seq 1 to 100; 1 checkpoint(s) match."; strings.TrimSpace(out.String()) != want {
		t.Fatalf("output %q\nwant %q", out, want)
	}

	out.Reset()
	day := retention.Day(now).Add(-4 * 24 * time.Hour)
	if err := os.Remove(filepath.Join(dir, "acme", "events", archive.DayName(day))); err != nil {
		t.Fatal(err)
	}
	err = c.VerifyArchive(ctx, o)
	var broken *ChainProblemsError
	if !errors.As(err, &broken) || !strings.Contains(out.String(), "missing_events") || !strings.Contains(out.String(), "events 1 to 20 are missing") {
		t.Fatalf("VerifyArchive without the first day = %v\n%s", err, out)
	}
}

var _ http.Handler = (*opsapi.Handler)(nil)

// TestExportThroughTheOpsAPI runs `audit export` against the real ops
// API: every tenant's events, once, across a restart.
func TestExportThroughTheOpsAPI(t *testing.T) {
	ctx := context.Background()
	st := testkit.Bolt(t)
	clock := func() time.Time { return testNow }
	svc := grant.New(st, clock)
	for _, tn := range []string{"acme", "globex"} {
		if _, err := st.PutGrant(ctx, store.Grant{ID: "g_" + tn, Tenant: tn, CreatedAt: testNow, CreatedBy: store.Actor{ID: "ops"}, Scopes: []string{"read"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AppendEvents(ctx, tn, store.Event{Type: "http.request"}, store.Event{Type: "http.request"}); err != nil {
			t.Fatal(err)
		}
	}
	api := opsapi.New(svc)
	c := &Client{Out: &bytes.Buffer{}, Now: clock, Send: func(method, uri string, body []byte) (int, []byte, error) {
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, httptest.NewRequest(method, uri, bytes.NewReader(body)))
		return rec.Code, rec.Body.Bytes(), nil
	}}
	out := filepath.Join(t.TempDir(), "audit.jsonl")
	for range 2 {
		if err := c.Export(ctx, ExportOptions{Out: out}); err != nil {
			t.Fatal(err)
		}
	}
	raw, _ := os.ReadFile(out)
	if n := strings.Count(string(raw), "\n"); n != 4 || !strings.Contains(string(raw), `"tenant":"globex"`) {
		t.Fatalf("exported %d lines:\n%s", n, raw)
	}
	if err := c.Export(ctx, ExportOptions{Out: "-"}); err == nil {
		t.Fatal("stdout without a cursor file was accepted")
	}
}
