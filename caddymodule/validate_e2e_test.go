package caddymodule_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/redistest"
)

// TestValidate runs `lockbox validate` on configs whose fault shows only
// when the store is asked or the key is read: an unreachable store is a
// failure, not a log line followed by "Valid configuration", and a short
// api_key is reported leading with its file and line, without the key.
func TestValidate(t *testing.T) {
	t.Parallel()
	bin := lockboxBinary(t)
	rs := redistest.Start(t)
	closed := freePort(t)
	const goodKey = "abcdefghijklmnopqrstuvwxyz0123456789"
	for _, tt := range []struct {
		name, storage, key string
		ok                 bool
		want               []string
	}{
		{name: "store answers", storage: "redis " + rs.URL(), key: goodKey, ok: true, want: []string{"Valid configuration"}},
		{name: "store unreachable", storage: fmt.Sprintf("redis redis://127.0.0.1:%d/0", closed), key: goodKey,
			want: []string{fmt.Sprintf("storage: the redis store at 127.0.0.1:%d does not answer (connection failed)", closed)}},
		{name: "short api_key", storage: "redis " + rs.URL(), key: "sesame-123",
			want: []string{"Caddyfile:5: api_key: the key must be 16 to 512 printable characters"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := fmt.Sprintf("{\n\tadmin off\n\tlockbox {\n\t\tstorage %s\n\t\tapi_key %s\n\t}\n}\n\nhttp://127.0.0.1:%d {\n\trespond ok\n}\n",
				tt.storage, tt.key, freePort(t))
			path := filepath.Join(dir, "Caddyfile")
			if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
				t.Fatal(err)
			}
			r := runLockbox(t, bin, isolatedEnv(t), "validate", "--config", path)
			out := r.stdout + r.stderr
			if (r.code == 0) != tt.ok || strings.Contains(out, "Valid configuration") != tt.ok {
				t.Fatalf("exit %d, want success %v:\n%s", r.code, tt.ok, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if !tt.ok && strings.Contains(out, tt.key) {
				t.Errorf("the output repeats the key:\n%s", out)
			}
		})
	}
}

// TestLockboxVersion runs the built binary: Lockbox's version first, then
// the Caddy it is built on.
func TestLockboxVersion(t *testing.T) {
	t.Parallel()
	r := runLockbox(t, lockboxBinary(t), isolatedEnv(t), "version")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], "Lockbox ") || !strings.HasPrefix(lines[1], "Caddy v2.") {
		t.Fatalf("lockbox version: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
