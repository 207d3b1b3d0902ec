package caddymodule_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2/caddytest"
	bolt "go.etcd.io/bbolt"

	"github.com/lockbox-gw/lockbox/internal/cli"
	"github.com/lockbox-gw/lockbox/internal/freeport"
	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/testkit/outbuf"
)

// Bounds on the processes the end-to-end tests run.
const (
	startTimeout = 30 * time.Second
	stopTimeout  = 10 * time.Second
	runTimeout   = 30 * time.Second
)

// binDir holds the lockbox binary the end-to-end tests build.
var binDir string

// TestMain provides a directory for the lockbox binary, built once by the
// first test that needs it (so tests that don't, or -short runs, skip the
// build), and removes it afterwards.
func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "lockbox-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "creating a directory for the lockbox binary:", err)
		os.Exit(1)
	}
	binDir = dir
	// Caddy's in-process test server takes its admin port from here; a
	// free one instead of the fixed default keeps two test runs on one
	// machine from loading configs into each other's Caddy.
	port, err := freeport.Loopback()
	if err != nil {
		fmt.Fprintln(os.Stderr, "picking an admin port for the in-process Caddy:", err)
		os.Exit(1)
	}
	caddytest.Default.AdminPort = port
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

var (
	buildOnce sync.Once
	buildErr  error
)

// lockboxBinary builds cmd/lockbox on first use and returns its path.
func lockboxBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the lockbox binary")
	}
	bin := filepath.Join(binDir, "lockbox")
	buildOnce.Do(func() {
		cmd := exec.Command("go", "build", "-o", bin, "./cmd/lockbox")
		cmd.Dir = ".." // the module root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/lockbox: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return bin
}

// freePort returns a loopback port for a server another process starts.
func freePort(t *testing.T) int {
	t.Helper()
	port, err := freeport.Loopback()
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// isolatedEnv is the environment of every process a test runs: the
// caller's, with home, data and config directories of the test's own.
func isolatedEnv(t *testing.T) []string {
	t.Helper()
	home := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name != "HOME" && !strings.HasPrefix(name, "XDG_") && !strings.HasPrefix(name, "CADDY_") && !strings.HasPrefix(name, "LOCKBOX_") {
			env = append(env, kv)
		}
	}
	return append(env, "HOME="+home,
		"XDG_DATA_HOME="+filepath.Join(home, "data"),
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"))
}

// result is what one lockbox command did.
type result struct {
	code           int
	stdout, stderr string
}

// runLockbox runs the binary with args and returns what it did.
func runLockbox(t *testing.T, bin string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("lockbox %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// instance is a `lockbox run` process with its own config and directories.
type instance struct {
	t         *testing.T
	bin       string
	env       []string
	admin     string
	site      string
	caddyfile string

	cmd    *exec.Cmd
	out    *outbuf.Buffer
	exited chan struct{}
}

// startInstance writes a Caddyfile using storage (e.g. "bolt <path>") and
// runs lockbox with it until the test ends.
func startInstance(t *testing.T, bin, storage string) *instance {
	t.Helper()
	s := &instance{t: t, bin: bin, env: isolatedEnv(t)}
	adminPort, httpPort := freePort(t), freePort(t)
	s.admin = fmt.Sprintf("127.0.0.1:%d", adminPort)
	s.site = fmt.Sprintf("http://127.0.0.1:%d", httpPort)
	s.caddyfile = filepath.Join(t.TempDir(), "Caddyfile")
	config := fmt.Sprintf("{\n\tadmin %s\n\thttp_port %d\n\tlockbox {\n\t\tstorage %s\n\t}\n}\n\n%s {\n\trespond \"ok\"\n}\n",
		s.admin, httpPort, storage, s.site)
	if err := os.WriteFile(s.caddyfile, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	s.start()
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("lockbox run output:\n%s", s.out)
		}
	})
	return s
}

// start runs the process and waits until both the Lockbox admin API and
// the site answer.
func (s *instance) start() {
	s.t.Helper()
	s.spawn()
	s.waitReady()
}

// spawn runs `lockbox run` on the instance's Caddyfile in the background.
func (s *instance) spawn() {
	s.t.Helper()
	s.out = &outbuf.Buffer{}
	s.cmd = exec.Command(s.bin, "run", "--config", s.caddyfile)
	s.cmd.Env = s.env
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.exited = make(chan struct{})
	go func(cmd *exec.Cmd, exited chan struct{}) {
		_ = cmd.Wait()
		close(exited)
	}(s.cmd, s.exited)
}

func (s *instance) waitReady() {
	s.t.Helper()
	client := &http.Client{Timeout: time.Second}
	testkit.EventuallyWithin(s.t, startTimeout, func() bool {
		select {
		case <-s.exited:
			s.t.Fatalf("lockbox run exited before it was ready:\n%s", s.out)
		default:
		}
		return s.answers(client, "http://"+s.admin+"/lockbox/grants", "") && s.answers(client, s.site, "ok")
	}, "lockbox run ready:\n%s", s.out)
}

// answers reports whether url answers 200, with body want if given.
func (s *instance) answers(client *http.Client, url, want string) bool {
	resp, err := client.Get(url)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return err == nil && resp.StatusCode == http.StatusOK && (want == "" || string(body) == want)
}

// stop interrupts the process, as Ctrl-C would, and kills it if it does
// not exit in time. Calling it again does nothing.
func (s *instance) stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
	case <-time.After(stopTimeout):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
	s.cmd = nil
}

// lockbox runs a CLI command against this instance's admin endpoint.
func (s *instance) lockbox(args ...string) result {
	s.t.Helper()
	return runLockbox(s.t, s.bin, s.env, append(args, "--address", s.admin)...)
}

// ok runs a command that must succeed and returns its output.
func (s *instance) ok(args ...string) string {
	s.t.Helper()
	r := s.lockbox(args...)
	if r.code != 0 || r.stderr != "" {
		s.t.Fatalf("lockbox %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// okJSON runs a command that must succeed and decodes its output.
func (s *instance) okJSON(v any, args ...string) {
	s.t.Helper()
	out := s.ok(args...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		s.t.Fatalf("lockbox %s: output is not JSON: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// wantOneLineError checks a failed command: a non-zero exit, nothing on
// stdout, and one "lockbox: ..." line holding want on stderr, with no
// usage dump.
func wantOneLineError(t *testing.T, r result, want string) {
	t.Helper()
	line := strings.TrimSuffix(r.stderr, "\n")
	switch {
	case r.code == 0:
		t.Errorf("exit 0, want failure (want error %q)", want)
	case r.stdout != "":
		t.Errorf("printed on stdout: %q", r.stdout)
	case strings.Contains(line, "\n") || !strings.HasPrefix(line, "lockbox: "):
		t.Errorf("stderr is not one lockbox: line:\n%s", r.stderr)
	case !strings.Contains(line, want):
		t.Errorf("error %q does not say %q", line, want)
	case strings.Contains(line, "Usage:") || strings.Contains(line, "Flags:"):
		t.Errorf("usage dump in %q", line)
	}
}

// wantContains fails unless out holds every one of parts.
func wantContains(t *testing.T, out string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(out, p) {
			t.Errorf("output lacks %q:\n%s", p, out)
		}
	}
}

// grantJSON is the part of a grant the tests look at.
type grantJSON struct {
	ID        string              `json:"id"`
	Tenant    string              `json:"tenant"`
	Scopes    []string            `json:"scopes"`
	CreatedBy struct{ ID string } `json:"created_by"`
	ExpiresAt *time.Time          `json:"expires_at"`
	Note      string              `json:"note"`
	EndReason string              `json:"end_reason"`
}

// exerciseGrants walks a grant's life through the CLI on a fresh
// instance: create, list, replace, revoke, and the audit trail of it all.
func exerciseGrants(t *testing.T, s *instance) {
	out := s.ok("grant", "create", "--tenant", "acme", "--for", "7d", "--scopes", "read,write", "--note", "ticket 42", "--by", "dana")
	wantContains(t, out, "Granted support access to tenant acme.", "read, write", "(in 7d)", "ops:dana", "ticket 42")

	var active struct{ Grants []grantJSON }
	s.okJSON(&active, "grant", "list", "--json")
	if len(active.Grants) != 1 {
		t.Fatalf("active grants: %+v", active.Grants)
	}
	first := active.Grants[0]
	if first.Tenant != "acme" || strings.Join(first.Scopes, ",") != "read,write" || first.Note != "ticket 42" || first.CreatedBy.ID != "ops:dana" ||
		first.ExpiresAt == nil || time.Until(*first.ExpiresAt) < 7*24*time.Hour-time.Minute {
		t.Fatalf("active grant: %+v", first)
	}
	wantContains(t, s.ok("grant", "list"), "TENANT", "GRANT", "SCOPES", "EXPIRES", "GRANTED BY", "NOTE",
		"acme", first.ID, "read,write", "(in 7d)", "ops:dana", "ticket 42")

	var second grantJSON
	s.okJSON(&second, "grant", "create", "--tenant", "acme", "--standing", "--by", "sam", "--json")
	out = s.ok("grant", "list", "--tenant", "acme")
	wantContains(t, out, "Tenant acme has active grant "+second.ID, "standing until revoked", first.ID, "replaced")

	var history struct {
		Active *grantJSON
		Grants []grantJSON
	}
	s.okJSON(&history, "grant", "list", "--tenant", "acme", "--json")
	if history.Active == nil || history.Active.ID != second.ID || len(history.Grants) != 2 || history.Grants[1].ID != first.ID || history.Grants[1].EndReason != "replaced" {
		t.Fatalf("history: %+v", history)
	}

	// Without --by, the operator is the OS user.
	wantContains(t, s.ok("grant", "revoke", "--tenant", "acme", "--reason", "done"), "Revoked grant "+second.ID+" of tenant acme")
	wantContains(t, s.ok("grant", "list"), "No tenant has an active grant.")
	// "just now" turns into "1s ago" on a slow machine: match either.
	list := s.ok("grant", "list", "--tenant", "acme")
	wantContains(t, list, "Tenant acme has no active grant.", " by ops:"+cli.DefaultOperator()+" (done)")
	if !regexp.MustCompile(`revoked (just now|\ds ago) by ops:`).MatchString(list) {
		t.Fatalf("the revocation is not listed as recent:\n%s", list)
	}
}

// exerciseAudit checks the audit trail exerciseGrants left.
func exerciseAudit(t *testing.T, s *instance) {
	wantContains(t, s.ok("audit", "--tenant", "acme"), "SEQ", "TYPE", "grant.created", "grant.replaced", "grant.revoked", `note="ticket 42"`, "reason=done")
	var page struct {
		Events []struct {
			Seq  int64
			Type string
		}
	}
	s.okJSON(&page, "audit", "--tenant", "acme", "--json")
	var types []string
	for _, e := range page.Events {
		types = append(types, e.Type)
	}
	if got := strings.Join(types, " "); got != "grant.created grant.replaced grant.created grant.revoked" {
		t.Fatalf("audit events: %s", got)
	}
	s.okJSON(&page, "audit", "--tenant", "acme", "--json", "--since", "1h", "--limit", "2")
	if len(page.Events) != 2 || page.Events[1].Seq != 2 {
		t.Fatalf("audit --since 1h --limit 2: %+v", page.Events)
	}
	wantContains(t, s.ok("audit", "verify", "--tenant", "acme"), "Audit chain of tenant acme is intact: 4 events")
}

// exerciseErrors checks that refused commands fail with one clear line.
func exerciseErrors(t *testing.T, s *instance) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"invalid tenant", []string{"grant", "create", "--tenant", "Acme!", "--for", "7d", "--by", "dana"}, `invalid tenant id "Acme!"`},
		{"too long", []string{"grant", "create", "--tenant", "acme", "--for", "401d", "--by", "dana"}, "duration 401d is out of range"},
		{"unknown scope", []string{"grant", "create", "--tenant", "acme", "--for", "7d", "--scopes", "read,root", "--by", "dana"}, `unknown scope "root"`},
		{"nothing to revoke", []string{"grant", "revoke", "--tenant", "acme", "--by", "dana"}, "lockbox: tenant acme has no active grant"},
		{"missing tenant", []string{"audit", "verify"}, "--tenant is required (see '"},
		{"unknown flag", []string{"grant", "list", "--tenants", "acme"}, "unknown flag: --tenants"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantOneLineError(t, s.lockbox(tt.args...), tt.want)
		})
	}
}

// exerciseSessionsAndKeys lists sessions (none: no agent came in) and
// rotates the signing keys.
func exerciseSessionsAndKeys(t *testing.T, s *instance) {
	wantContains(t, s.ok("sessions", "--tenant", "acme"), "Tenant acme has no impersonation sessions.")
	var list struct{ Sessions []json.RawMessage }
	s.okJSON(&list, "sessions", "--tenant", "acme", "--json")
	if list.Sessions == nil || len(list.Sessions) != 0 {
		t.Fatalf("sessions --json: %+v", list)
	}
	wantContains(t, s.ok("keys", "rotate"), "Rotated the signing key: tokens are now signed with key ", "stays published for 6m0s")
	var first, second struct{ KID string }
	s.okJSON(&first, "keys", "rotate", "--json")
	s.okJSON(&second, "keys", "rotate", "--json")
	if first.KID == "" || first.KID == second.KID {
		t.Fatalf("keys rotate --json: kids %q then %q", first.KID, second.KID)
	}
	wantOneLineError(t, s.lockbox("sessions"), "--tenant is required (see '")
	wantOneLineError(t, s.lockbox("keys"), "say what to do: lockbox keys rotate")
}

// exerciseAll runs every scenario shared by the backends.
func exerciseAll(t *testing.T, s *instance) {
	exerciseGrants(t, s)
	exerciseAudit(t, s)
	exerciseErrors(t, s)
	exerciseSessionsAndKeys(t, s)
	if t.Failed() {
		t.FailNow()
	}
}

// wantTamperedAt checks that `audit verify` names the changed event.
func wantTamperedAt(t *testing.T, s *instance, seq int64) {
	t.Helper()
	r := s.lockbox("audit", "verify", "--tenant", "acme")
	wantOneLineError(t, r, fmt.Sprintf("lockbox: audit chain of tenant acme is broken at seq %d: content does not match its hash", seq))

	r = s.lockbox("audit", "verify", "--tenant", "acme", "--json")
	var v struct {
		OK       bool  `json:"ok"`
		BrokenAt int64 `json:"broken_at"`
	}
	if r.code == 0 || json.Unmarshal([]byte(r.stdout), &v) != nil || v.OK || v.BrokenAt != seq {
		t.Fatalf("audit verify --json: exit %d, %+v\n%s%s", r.code, v, r.stdout, r.stderr)
	}
}

// tamperEvent rewrites one stored event as an attacker with access to
// the store would: a different actor, everything else kept.
func tamperEvent(t *testing.T, raw []byte) []byte {
	t.Helper()
	var e map[string]any
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatalf("stored event is not JSON: %v", err)
	}
	e["actor"] = map[string]any{"id": "ops:mallory"}
	out, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCLIWithBolt(t *testing.T) {
	t.Parallel()
	bin := lockboxBinary(t)
	db := filepath.Join(t.TempDir(), "lockbox.db")
	s := startInstance(t, bin, "bolt "+db)

	// The admin address can also come from the config, as in Caddy's own commands.
	r := runLockbox(t, bin, s.env, "grant", "list", "--config", s.caddyfile)
	if r.code != 0 || r.stdout != "No tenant has an active grant.\n" {
		t.Fatalf("grant list --config: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	exerciseAll(t, s)

	s.stop() // bbolt locks the file while it is open
	tamperBolt(t, db, 3)
	s.start()
	wantTamperedAt(t, s, 3)
}

// tamperBolt changes audit event seq of tenant acme in the bolt file.
func tamperBolt(t *testing.T, path string, seq int64) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: stopTimeout})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	key := binary.BigEndian.AppendUint64(nil, uint64(seq))
	var raw []byte
	err = db.View(func(tx *bolt.Tx) error {
		audit, err := boltAudit(tx)
		if err == nil {
			raw = bytes.Clone(audit.Get(key))
		}
		return err
	})
	if err != nil || raw == nil {
		t.Fatalf("reading event %d: %v (found: %v)", seq, err, raw != nil)
	}
	changed := tamperEvent(t, raw)
	err = db.Update(func(tx *bolt.Tx) error {
		audit, err := boltAudit(tx)
		if err != nil {
			return err
		}
		return audit.Put(key, changed)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// boltAudit returns tenant acme's audit bucket (tenants/acme/audit).
func boltAudit(tx *bolt.Tx) (*bolt.Bucket, error) {
	b := tx.Bucket([]byte("tenants"))
	for _, name := range []string{"acme", "audit"} {
		if b == nil {
			break
		}
		b = b.Bucket([]byte(name))
	}
	if b == nil {
		return nil, errors.New("no audit bucket for tenant acme")
	}
	return b, nil
}

func TestCLIWithRedis(t *testing.T) {
	t.Parallel()
	bin := lockboxBinary(t)
	srv := redistest.Start(t)
	s := startInstance(t, bin, "redis "+srv.URL())

	exerciseAll(t, s)

	ctx := context.Background()
	c := srv.Client(t)
	const key = "lockbox:{acme}:audit"
	raw, err := c.HGet(ctx, key, "3").Bytes()
	if err != nil {
		t.Fatalf("reading event 3: %v", err)
	}
	if err := c.HSet(ctx, key, "3", tamperEvent(t, raw)).Err(); err != nil {
		t.Fatal(err)
	}
	wantTamperedAt(t, s, 3)
}

func TestCLIWithNothingRunning(t *testing.T) {
	t.Parallel()
	bin := lockboxBinary(t)
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	r := runLockbox(t, bin, isolatedEnv(t), "grant", "list", "--address", addr)
	wantOneLineError(t, r, "lockbox: Lockbox isn't running at "+addr+" ")
}

func TestAdaptExampleCaddyfile(t *testing.T) {
	t.Parallel()
	bin := lockboxBinary(t)
	r := runLockbox(t, bin, isolatedEnv(t), "adapt", "--config", "../Caddyfile.example", "--validate")
	if r.code != 0 || !strings.Contains(r.stdout, `"lockbox"`) {
		t.Fatalf("adapt --validate: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
}
