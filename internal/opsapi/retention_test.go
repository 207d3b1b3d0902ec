package opsapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/archive"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/opsapi"
	"github.com/lockbox-gw/lockbox/internal/retention"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

func TestRetentionHealth(t *testing.T) {
	ctx := context.Background()
	st := testkit.Bolt(t)
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	if _, err := st.PutGrant(ctx, store.Grant{ID: "g1", Tenant: "acme", CreatedAt: now, CreatedBy: store.Actor{ID: "ops"}, Scopes: []string{"read"}}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "archive")
	m, err := retention.New(retention.Config{Store: st, Archive: archive.New(dir), Window: 24 * time.Hour, Holder: "gw", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	get := func(status func() (retention.Status, bool)) (int, map[string]any) {
		rec := httptest.NewRecorder()
		opsapi.New(grant.New(st, nil), opsapi.WithRetention(status)).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/lockbox/audit/retention", nil))
		var body map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		return rec.Code, body
	}
	status := func() (retention.Status, bool) { return m.Status(), true }
	_ = m.MoveAll(ctx) // the archive directory is missing
	if code, body := get(status); code != http.StatusServiceUnavailable || body["ok"] != false || body["last_error"] == "" {
		t.Fatalf("with no archive: %d %v", code, body)
	}
	if err := os.Mkdir(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	_ = m.MoveAll(ctx)
	if code, body := get(status); code != http.StatusOK || body["ok"] != true || body["enabled"] != true {
		t.Fatalf("with the archive back: %d %v", code, body)
	}
	if code, body := get(nil); code != http.StatusOK || body["enabled"] != false {
		t.Fatalf("without a mover: %d %v", code, body)
	}
}
