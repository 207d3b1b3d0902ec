package caddymodule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddytest"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/instance"
	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// testContext returns a Caddy context for provisioning an App directly.
func testContext(t *testing.T) caddy.Context {
	t.Helper()
	ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
	t.Cleanup(cancel)
	return ctx
}

// provisioned returns an App provisioned with s, cleaned up when t ends.
func provisioned(t *testing.T, s *Storage) *App {
	t.Helper()
	app := &App{Storage: s}
	if err := app.Provision(testContext(t)); err != nil {
		t.Fatalf("provision: %v", err)
	}
	t.Cleanup(func() {
		if err := app.Cleanup(); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	return app
}

// createGrant creates a read grant for tenant through app.
func createGrant(t *testing.T, app *App, tenantID string) store.Grant {
	t.Helper()
	g, err := app.Grants().Create(context.Background(), grant.CreateRequest{
		Tenant: tenantID, Scopes: []string{"read"}, Standing: true, By: store.Actor{ID: "ops:test"},
	})
	if err != nil {
		t.Fatalf("create grant: %v", err)
	}
	return g
}

func TestProvisionDefaultsToBoltInDataDir(t *testing.T) {
	dataHome := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dataHome)

	app := provisioned(t, nil)
	createGrant(t, app, "acme")

	want := filepath.Join(dataHome, "caddy", "lockbox.db")
	if _, err := os.Stat(want); err != nil {
		t.Fatalf("default store file: %v", err)
	}
	if app.Validate() != nil {
		t.Errorf("Validate after Provision: %v", app.Validate())
	}
}

func TestProvisionResolvesEnvPlaceholder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "from-env.db")
	t.Setenv("LOCKBOX_TEST_STORE", path)

	provisioned(t, &Storage{Backend: BackendBolt, Path: "{env.LOCKBOX_TEST_STORE}"})

	if _, err := os.Stat(path); err != nil {
		t.Fatalf("store file named by the environment: %v", err)
	}
}

// TestProvisionErrors: the settings reach the app with placeholders
// replaced, and its refusals reach Caddy without a secret, holding
// nothing. The rules themselves are tested in internal/instance.
func TestProvisionErrors(t *testing.T) {
	t.Setenv("LOCKBOX_TEST_EMPTY", "")
	tests := []struct {
		name    string
		storage Storage
		want    string
	}{
		{
			name:    "redis url of another scheme",
			storage: Storage{Backend: BackendRedis, URL: "http://lockbox:s3cret@127.0.0.1:6379/0"},
			want:    "redis storage url must start with redis:// or rediss://",
		},
		{
			name:    "redis url from an empty variable",
			storage: Storage{Backend: BackendRedis, URL: "{env.LOCKBOX_TEST_EMPTY}"},
			want:    "redis storage needs a url",
		},
		{
			name:    "bolt path is a directory",
			storage: Storage{Backend: BackendBolt, Path: t.TempDir()},
			want:    "is a directory, not a file",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.storage
			app := &App{Storage: &s}
			err := app.Provision(testContext(t))
			if err == nil {
				_ = app.Cleanup()
				t.Fatalf("provision succeeded; want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q; want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error %q repeats the password", err)
			}
			if app.Instance != nil {
				t.Error("a failed Provision kept a store")
			}
		})
	}
}

// Live tests: a real Caddy, in this process, run by caddytest with its
// admin endpoint (caddytest.Default.AdminPort, a free port; see TestMain).

// adminURL returns the address of path on caddytest's admin endpoint.
func adminURL(path string) string {
	return fmt.Sprintf("http://localhost:%d%s", caddytest.Default.AdminPort, path)
}

// adminOnly is a config without Lockbox, which keeps the admin endpoint.
func adminOnly() string {
	return fmt.Sprintf("{\n\tadmin localhost:%d\n}\n", caddytest.Default.AdminPort)
}

// lockboxConfig is a Caddyfile whose lockbox block has storageLine.
func lockboxConfig(storageLine string) string {
	return fmt.Sprintf("{\n\tadmin localhost:%d\n\tlockbox {\n\t\t%s\n\t}\n}\n", caddytest.Default.AdminPort, storageLine)
}

// startCaddy runs cfg in caddytest's Caddy (starting it if needed) and
// loads a config without Lockbox when t ends, so the store is released.
func startCaddy(t *testing.T, cfg string) {
	t.Helper()
	// caddytest's load fails the test when the outgoing admin server of
	// the previous load closes its connection unanswered (EOF): try again.
	for try := 0; ; try++ {
		tb := &retryTB{TB: t}
		caddytest.NewTester(tb).InitServer(cfg, "caddyfile")
		if !tb.failed {
			break
		}
		if try == 2 {
			t.Fatal("caddytest could not load the config (see above)")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if t.Failed() {
		t.FailNow()
	}
	t.Cleanup(func() {
		if code, body := loadCaddyfile(t, adminOnly()); code != http.StatusOK {
			t.Errorf("loading a config without lockbox: %d %s", code, body)
		}
	})
}

// retryTB notes the failures caddytest reports instead of failing the
// test, so startCaddy can try again.
type retryTB struct {
	testing.TB
	failed bool
}

func (r *retryTB) Fail()                          { r.failed = true }
func (r *retryTB) Errorf(format string, a ...any) { r.failed = true; r.TB.Logf(format, a...) }
func (r *retryTB) Failed() bool                   { return r.failed || r.TB.Failed() }

// loadCaddyfile posts cfg to /load, forcing a reload even if unchanged.
func loadCaddyfile(t *testing.T, cfg string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, adminURL("/load"), strings.NewReader(cfg))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/caddyfile")
	req.Header.Set("Cache-Control", "must-revalidate")
	return send(t, req)
}

// call sends a request to the ops API and returns the status and body.
func call(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, adminURL(path), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return send(t, req)
}

// adminClient opens a connection per request: a reload replaces Caddy's
// admin server, and a kept-alive connection to the old one would fail a
// POST with EOF.
var adminClient = &http.Client{
	Timeout:   10 * time.Second,
	Transport: &http.Transport{DisableKeepAlives: true},
}

func send(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := adminClient.Do(req)
	// A config load swaps caddytest's admin server; a connection the old
	// one accepted while shutting down is closed unanswered (nothing was
	// processed), so send it again.
	for try := 0; try < 5 && errors.Is(err, io.EOF); try++ {
		time.Sleep(20 * time.Millisecond)
		if req.GetBody != nil {
			if req.Body, err = req.GetBody(); err != nil {
				break
			}
		}
		resp, err = adminClient.Do(req)
	}
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", req.Method, req.URL.Path, err)
	}
	return resp.StatusCode, string(body)
}

// decode calls the ops API, checks the status and decodes the body into v.
func decode(t *testing.T, method, path, body string, status int, v any) {
	t.Helper()
	code, got := call(t, method, path, body)
	if code != status {
		t.Fatalf("%s %s = %d %s; want %d", method, path, code, got, status)
	}
	if err := json.Unmarshal([]byte(got), v); err != nil {
		t.Fatalf("%s %s: decoding %q: %v", method, path, got, err)
	}
}

// tenantGrants is the answer of GET /lockbox/tenants/{tenant}/grants.
type tenantGrants struct {
	Active *store.Grant  `json:"active"`
	Grants []store.Grant `json:"grants"`
}

// apiError is the ops API's error shape.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// grantLifecycle creates, reads and revokes a grant of tenant through the
// admin endpoint and returns the revoked grant.
func grantLifecycle(t *testing.T, tenantID string) store.Grant {
	t.Helper()
	base := "/lockbox/tenants/" + tenantID + "/grants"
	var created store.Grant
	decode(t, http.MethodPost, base, `{"scopes":["read","write"],"duration":"7d","by":"dana","note":"ticket 42"}`, http.StatusCreated, &created)
	if created.Tenant != tenantID || created.CreatedBy.ID != "ops:dana" || created.ExpiresAt == nil {
		t.Fatalf("created grant = %+v", created)
	}

	var list tenantGrants
	decode(t, http.MethodGet, base, "", http.StatusOK, &list)
	if list.Active == nil || list.Active.ID != created.ID {
		t.Fatalf("active grant = %+v; want %s", list.Active, created.ID)
	}

	var revoked store.Grant
	decode(t, http.MethodDelete, base+"/"+created.ID, `{"by":"dana","reason":"ticket closed"}`, http.StatusOK, &revoked)
	if revoked.ID != created.ID || revoked.EndReason != store.EndRevoked {
		t.Fatalf("revoked grant = %+v", revoked)
	}

	list = tenantGrants{}
	decode(t, http.MethodGet, base, "", http.StatusOK, &list)
	if list.Active != nil || len(list.Grants) == 0 || list.Grants[0].EndReason != store.EndRevoked {
		t.Fatalf("after revoking: active %+v, history %+v", list.Active, list.Grants)
	}
	return revoked
}

// reloadKeepsStore reloads cfg and checks the store is shared, not
// reopened, and still works.
func reloadKeepsStore(t *testing.T, cfg string, st instance.Storage, tenantID string) store.Grant {
	t.Helper()
	if code, body := loadCaddyfile(t, cfg); code != http.StatusOK {
		t.Fatalf("reloading the same config: %d %s", code, body)
	}
	// The old config is cleaned up before /load answers.
	if n := instance.Uses(st, instance.Audit{}); n != 1 {
		t.Fatalf("store references after reload = %d; want 1", n)
	}
	var g store.Grant
	decode(t, http.MethodPost, "/lockbox/tenants/"+tenantID+"/grants", `{"scopes":["read"],"standing":true,"by":"dana"}`, http.StatusCreated, &g)
	return g
}

func TestAdminAPIBolt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lockbox.db")
	cfg := lockboxConfig("storage bolt " + path)
	startCaddy(t, cfg)

	revoked := grantLifecycle(t, "acme")
	st := instance.Storage{Backend: BackendBolt, Path: path}
	after := reloadKeepsStore(t, cfg, st, "acme")

	// Loading a config without Lockbox closes the file.
	if code, body := loadCaddyfile(t, adminOnly()); code != http.StatusOK {
		t.Fatalf("loading a config without lockbox: %d %s", code, body)
	}
	if instance.Uses(st, instance.Audit{}) != 0 {
		t.Fatal("store still pooled after the config left")
	}
	bolt := testkit.BoltAt(t, path)
	for _, id := range []string{revoked.ID, after.ID} {
		if _, err := bolt.GetGrant(context.Background(), "acme", id); err != nil {
			t.Errorf("grant %s not in the bolt file: %v", id, err)
		}
	}
}

func TestAdminAPIRedis(t *testing.T) {
	srv := redistest.Start(t)
	cfg := lockboxConfig("storage redis " + srv.URL())
	startCaddy(t, cfg)

	grantLifecycle(t, "globex")
	after := reloadKeepsStore(t, cfg, instance.Storage{Backend: BackendRedis, URL: srv.URL()}, "globex")

	var list tenantGrants
	decode(t, http.MethodGet, "/lockbox/tenants/globex/grants", "", http.StatusOK, &list)
	if list.Active == nil || list.Active.ID != after.ID || len(list.Grants) != 2 {
		t.Fatalf("after reload: active %+v, %d grants in history; want %s and 2", list.Active, len(list.Grants), after.ID)
	}
}

func TestAdminAPINotConfigured(t *testing.T) {
	startCaddy(t, adminOnly())

	var e apiError
	decode(t, http.MethodGet, "/lockbox/grants", "", http.StatusServiceUnavailable, &e)
	if e.Error.Code != "not_configured" || !strings.Contains(e.Error.Message, "add a lockbox block") {
		t.Fatalf("error = %+v", e.Error)
	}
}

func TestLoadRefusesBadRedisURL(t *testing.T) {
	startCaddy(t, adminOnly())

	code, body := loadCaddyfile(t, lockboxConfig("storage redis http://lockbox:s3cret@127.0.0.1:6379/0"))
	if code == http.StatusOK {
		t.Fatal("config with an http:// redis url was loaded")
	}
	if !strings.Contains(body, "redis storage url must start with redis:// or rediss://") {
		t.Errorf("load error = %s; want it to name the scheme problem", body)
	}
	if strings.Contains(body, "s3cret") {
		t.Errorf("load error %s repeats the password", body)
	}

	// Caddy has already swapped in the new admin routes; they say so.
	var e apiError
	decode(t, http.MethodGet, "/lockbox/grants", "", http.StatusServiceUnavailable, &e)
	if e.Error.Code != "not_configured" || !strings.Contains(e.Error.Message, "failed to load") {
		t.Fatalf("error = %+v", e.Error)
	}
}
