package caddymodule

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// Caddy stops the previous admin server in the background after a load,
// so for a moment it still accepts requests on the shared listener. This
// test calls such a leftover admin server's handlers directly: they must
// answer for the config just loaded, never for the one they came with.
func TestLeftoverAdminServerAnswersForTheNewestConfig(t *testing.T) {
	startCaddy(t, adminOnly())
	leftover := &adminAPI{} // provisioned with the config without Lockbox

	answers := func(when string, status int, contains string) {
		t.Helper()
		for _, path := range []string{"/lockbox/grants", healthPath} {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, path, nil)
			var err error
			if path == healthPath {
				err = leftover.serveHealth(rec, req)
			} else {
				err = leftover.serve(rec, req)
			}
			if err != nil || rec.Code != status || !strings.Contains(rec.Body.String(), contains) {
				t.Errorf("%s, GET %s from the previous admin server = %d %s, %v; want %d with %q",
					when, path, rec.Code, rec.Body.String(), err, status, contains)
			}
		}
	}

	startCaddy(t, lockboxConfig("storage bolt "+filepath.Join(t.TempDir(), "lockbox.db")))
	answers("after Lockbox was added", http.StatusOK, "")

	if code, body := loadCaddyfile(t, adminOnly()); code != http.StatusOK {
		t.Fatalf("loading a config without lockbox: %d %s", code, body)
	}
	answers("after Lockbox was removed", http.StatusServiceUnavailable, "add a lockbox block")

	if code, _ := loadCaddyfile(t, lockboxConfig("storage redis http://127.0.0.1:6379/0")); code == http.StatusOK {
		t.Fatal("a config with an http:// redis url was loaded")
	}
	answers("after a config failed to load", http.StatusServiceUnavailable, "failed to load")
}
