package caddymodule

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/token"
)

func boltStorage(t *testing.T) (*Storage, string) {
	path := filepath.Join(t.TempDir(), "lockbox.db")
	return &Storage{Backend: BackendBolt, Path: path}, path
}

func TestSigningKeyFromFile(t *testing.T) {
	t.Setenv("LOCKBOX_TEST_KEY", testkit.SigningKeyFile(t))
	s, _ := boltStorage(t)
	app := &App{Storage: s, SigningKeyFile: "{env.LOCKBOX_TEST_KEY}"}
	if err := app.Provision(testContext(t)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Cleanup() })

	if err := app.Keys().Rotate(context.Background(), time.Minute); !errors.Is(err, token.ErrFixedKey) {
		t.Fatalf("rotating a key from a file: %v; want ErrFixedKey", err)
	}
}

// TestPlaceholdersLeftEmpty: a word whose placeholder leaves it empty is
// refused, naming the word, not taken as unset.
func TestPlaceholdersLeftEmpty(t *testing.T) {
	t.Setenv("LOCKBOX_TEST_EMPTY", "")
	const empty = "{env.LOCKBOX_TEST_EMPTY}"
	tests := []struct {
		name string
		app  App
		want string
	}{
		{name: "signing key file", app: App{SigningKeyFile: empty}, want: "signing_key_file is empty once placeholders are replaced"},
		{name: "link key file", app: App{LinkKeyFile: empty}, want: "link_key_file is empty once placeholders are replaced"},
		{name: "audit archive", app: App{AuditArchiving: AuditArchiving{AuditArchive: empty}}, want: "audit_archive is empty once placeholders are replaced"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, path := boltStorage(t)
			app := tt.app
			app.Storage = s
			err := app.Provision(testContext(t))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				_ = app.Cleanup()
				t.Fatalf("error = %v; want it to contain %q", err, tt.want)
			}
			if app.Instance != nil {
				t.Error("a failed Provision kept the store")
			}
			testkit.BoltAt(t, path)
		})
	}
}
