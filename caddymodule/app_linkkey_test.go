package caddymodule

import (
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
)

func TestLinkKeyFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "links.key")
	key := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("0123456789abcdef", 2)))
	if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LOCKBOX_TEST_LINK_KEY", path)
	s, _ := boltStorage(t)
	app := &App{Storage: s, LinkKeyFile: "{env.LOCKBOX_TEST_LINK_KEY}"}
	if err := app.Provision(testContext(t)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Cleanup() })
	if _, _, err := app.Links().Rotate(context.Background()); !errors.Is(err, adminlink.ErrFixedKey) {
		t.Fatalf("rotating a link key from a file: %v; want ErrFixedKey", err)
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
