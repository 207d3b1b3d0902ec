package caddymodule

import (
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// writeLinkKey writes a link key file with one fresh key and returns its
// path.
func writeLinkKey(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "links.key")
	key := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("0123456789abcdef", 2)))
	if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLinkKeyFromFile(t *testing.T) {
	t.Setenv("LOCKBOX_TEST_LINK_KEY", writeLinkKey(t))
	s, _ := boltStorage(t)
	app := &App{Storage: s, LinkKeyFile: "{env.LOCKBOX_TEST_LINK_KEY}"}
	if err := app.Provision(testContext(t)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Cleanup() })

	ctx := context.Background()
	raw, _, err := app.Links().Sign(ctx, adminlink.Claims{Tenant: "acme", AdminID: "a1", Role: "owner", ExpiresAt: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.Links().Verify(ctx, raw); err != nil {
		t.Fatal(err)
	}
	if _, err := app.Store().GetRecord(ctx, "keys", "adminlink"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("with link_key_file, the store holds a link key: %v", err)
	}
	if _, _, err := app.Links().Rotate(ctx); !errors.Is(err, adminlink.ErrFixedKey) {
		t.Fatalf("rotating a link key from a file: %v; want ErrFixedKey", err)
	}
}

func TestLinkKeyFileErrors(t *testing.T) {
	t.Setenv("LOCKBOX_TEST_EMPTY", "")
	garbage := filepath.Join(t.TempDir(), "garbage.key")
	if err := os.WriteFile(garbage, []byte("correct horse battery staple\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		file string
		want string
	}{
		{name: "missing file", file: filepath.Join(t.TempDir(), "none.key"), want: "loading admin link keys: read link key file"},
		{name: "not a key", file: garbage, want: "line 1: not base64"},
		{name: "empty variable", file: "{env.LOCKBOX_TEST_EMPTY}", want: "link_key_file is empty once placeholders are replaced"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, path := boltStorage(t)
			app := &App{Storage: s, LinkKeyFile: tt.file}
			err := app.Provision(testContext(t))
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "horse") {
				_ = app.Cleanup()
				t.Fatalf("error = %v; want it to contain %q", err, tt.want)
			}
			if app.held {
				t.Error("a failed Provision kept the store")
			}
			assertBoltFree(t, path)
		})
	}
}

func TestLinkKeyFileOption(t *testing.T) {
	out, err := adapt(t, "{\n\tlockbox {\n\t\tlink_key_file {env.LOCKBOX_LINK_KEY}\n\t}\n}\n")
	if err != nil || !strings.Contains(string(out), `"link_key_file":"{env.LOCKBOX_LINK_KEY}"`) {
		t.Fatalf("adapt = %s, %v", out, err)
	}
	tests := []struct {
		name  string
		lines string
		want  string
	}{
		{name: "no path", lines: "link_key_file", want: "link_key_file needs the path of a file with base64 keys"},
		{name: "two paths", lines: "link_key_file a.key b.key", want: "link_key_file takes exactly one path"},
		{name: "twice", lines: "link_key_file a.key\n\t\tlink_key_file b.key", want: "link_key_file is already set; give it once"},
		{name: "block", lines: "link_key_file a.key {\n\t\t\tx\n\t\t}", want: "link_key_file takes no block"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := adapt(t, "{\n\tlockbox {\n\t\t"+tt.lines+"\n\t}\n}\n")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v; want it to contain %q", err, tt.want)
			}
		})
	}
}
