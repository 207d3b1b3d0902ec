package caddymodule

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// writeSigningKey writes a fresh P-256 key as a PKCS#8 PEM file.
func writeSigningKey(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "signing.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func boltStorage(t *testing.T) (*Storage, string) {
	path := filepath.Join(t.TempDir(), "lockbox.db")
	return &Storage{Backend: BackendBolt, Path: path}, path
}

func TestSigningKeyFromFile(t *testing.T) {
	t.Setenv("LOCKBOX_TEST_KEY", writeSigningKey(t))
	s, _ := boltStorage(t)
	app := &App{Storage: s, SigningKeyFile: "{env.LOCKBOX_TEST_KEY}"}
	if err := app.Provision(testContext(t)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Cleanup() })

	key, err := app.Keys().Signer()
	if err != nil || key.ID == "" {
		t.Fatalf("signer = %+v, %v", key, err)
	}
	if err := app.Keys().Rotate(context.Background(), time.Minute); !errors.Is(err, token.ErrFixedKey) {
		t.Fatalf("rotating a key from a file: %v; want ErrFixedKey", err)
	}
}

func TestSigningKeyFileErrors(t *testing.T) {
	t.Setenv("LOCKBOX_TEST_EMPTY", "")
	garbage := filepath.Join(t.TempDir(), "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		file string
		want string
	}{
		{name: "missing file", file: filepath.Join(t.TempDir(), "none.pem"), want: "loading signing key: read signing key file"},
		{name: "not a key", file: garbage, want: "no PEM-encoded private key found"},
		{name: "empty variable", file: "{env.LOCKBOX_TEST_EMPTY}", want: "signing_key_file is empty once placeholders are replaced"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, path := boltStorage(t)
			app := &App{Storage: s, SigningKeyFile: tt.file}
			err := app.Provision(testContext(t))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
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

func TestKeysLoadFromStoreAtStart(t *testing.T) {
	s, _ := boltStorage(t)
	app := provisioned(t, s)
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	testkit.EventuallyWithin(t, 5*time.Second, func() bool {
		_, err := app.Store().GetRecord(context.Background(), "keys", "signing")
		return err == nil
	}, "signing keys stored after Start")
	if err := app.Stop(); err != nil {
		t.Fatal(err)
	}
}

// TestAuditWriterSharedAcrossReloads is a reload: the old config's
// requests may still record after the new config took over, and events
// are flushed when the last config lets go.
func TestAuditWriterSharedAcrossReloads(t *testing.T) {
	s, path := boltStorage(t)
	oldCfg := provisioned(t, s)
	newCfg := provisioned(t, &Storage{Backend: BackendBolt, Path: path})
	if oldCfg.Audit() != newCfg.Audit() {
		t.Fatal("two configs on one store got different audit writers")
	}
	record := func(app *App, typ string) {
		t.Helper()
		if err := app.Audit().Record(context.Background(), "acme", store.Event{Type: typ}, nil); err != nil {
			t.Fatalf("record %s: %v", typ, err)
		}
	}
	record(oldCfg, "test.before")
	if err := oldCfg.Cleanup(); err != nil {
		t.Fatal(err)
	}
	record(oldCfg, "test.old-request-finishing")
	record(newCfg, "test.after")
	if err := newCfg.Cleanup(); err != nil {
		t.Fatal(err)
	}

	st := assertBoltFree(t, path)
	events, err := st.Events(context.Background(), "acme", store.EventQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range events {
		types = append(types, e.Type)
	}
	if got := strings.Join(types, " "); got != "test.before test.old-request-finishing test.after" {
		t.Fatalf("events %q", got)
	}
}

func TestSweepRecordsExpiries(t *testing.T) {
	s, _ := boltStorage(t)
	app := provisioned(t, s)
	past := time.Now().Add(-time.Hour).UTC()
	g := store.Grant{ID: "g_old", Tenant: "acme", Scopes: []string{"read"}, CreatedBy: store.Actor{ID: "ops:test"},
		CreatedAt: past.Add(-time.Hour), ExpiresAt: &past}
	if _, err := app.Store().PutGrant(context.Background(), g); err != nil {
		t.Fatal(err)
	}
	app.sweeper.Every = 10 * time.Millisecond
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Stop() })

	var got store.Grant
	var err error
	testkit.EventuallyWithin(t, 5*time.Second, func() bool {
		got, err = app.Store().GetGrant(context.Background(), "acme", g.ID)
		return err == nil && got.EndReason == store.EndExpired
	}, "expiry recorded by the sweep: %s", testkit.Lazy(func() string { return fmt.Sprintf("%+v, %v", got, err) }))
}

func TestKeyRetention(t *testing.T) {
	s, _ := boltStorage(t)
	app := provisioned(t, s)
	if got := app.keyRetention(); got != 6*time.Minute {
		t.Fatalf("retention without sites = %v; want the default 5m plus 1m", got)
	}
	app.useTokenTTL(10 * time.Minute)
	app.useTokenTTL(2 * time.Minute)
	if got := app.keyRetention(); got != 11*time.Minute {
		t.Fatalf("retention = %v; want the longest lifetime 10m plus 1m", got)
	}
}
