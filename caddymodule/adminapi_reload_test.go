package caddymodule

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// Caddy stops the previous admin server in the background after a load,
// so for a moment it still accepts requests on the shared listener. These
// tests call such a leftover admin server's handlers directly: they must
// answer from the config now running, never from the one they were
// provisioned with.

// oldAdminAnswer returns the status and body of path on admin.
func oldAdminAnswer(t *testing.T, admin *adminAPI, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	var err error
	if path == healthPath {
		err = admin.serveHealth(rec, req)
	} else {
		err = admin.serve(rec, req)
	}
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return rec.Code, rec.Body.String()
}

func TestLeftoverAdminServerAnswersFromTheRunningConfig(t *testing.T) {
	// Provisioned from a config without Lockbox, which the test then
	// replaces with one that has it.
	before := &adminAPI{down: errNotConfigured}
	startCaddy(t, lockboxConfig("storage bolt "+filepath.Join(t.TempDir(), "lockbox.db")))

	for _, path := range []string{"/lockbox/grants", healthPath} {
		if code, body := oldAdminAnswer(t, before, path); code != http.StatusOK {
			t.Errorf("GET %s from the previous admin server = %d %s; want 200 from the running app", path, code, body)
		}
	}

	// Provisioned with Lockbox; the config without it is loaded next, and
	// the app that admin server knew is stopped.
	if app, _ := runningApp(); app == nil {
		t.Fatal("no lockbox app runs after loading a config with one")
	}
	withLockbox := &adminAPI{down: errNotRunning}
	if code, body := loadCaddyfile(t, adminOnly()); code != http.StatusOK {
		t.Fatalf("loading a config without lockbox: %d %s", code, body)
	}
	for _, path := range []string{"/lockbox/grants", healthPath} {
		code, body := oldAdminAnswer(t, withLockbox, path)
		if code != http.StatusServiceUnavailable || !strings.Contains(body, "not_configured") {
			t.Errorf("GET %s from the previous admin server = %d %s; want 503 not_configured", path, code, body)
		}
	}
}
