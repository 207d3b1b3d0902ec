package instance

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
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/store/boltstore"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// bolt is a Storage on a fresh bolt file, and its path.
func bolt(t *testing.T) (*Storage, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "lockbox.db")
	return &Storage{Backend: BackendBolt, Path: path}, path
}

// open returns the instance of cfg, closed when t ends.
func open(t *testing.T, cfg Config) *Instance {
	t.Helper()
	if cfg.Storage == nil && cfg.DataDir == "" {
		cfg.Storage, _ = bolt(t)
	}
	i, err := New(cfg)
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	t.Cleanup(func() {
		if err := i.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return i
}

// refused checks that New refuses cfg with an error containing want,
// repeating none of secrets, and holds no store.
func refused(t *testing.T, cfg Config, want string, secrets ...string) {
	t.Helper()
	i, err := New(cfg)
	if err == nil {
		_ = i.Close()
		t.Fatalf("new succeeded; want an error containing %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error = %q; want it to contain %q", err, want)
	}
	for _, s := range secrets {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error %q repeats a secret", err)
		}
	}
	if cfg.Storage != nil && Uses(*cfg.Storage, cfg.Audit) != 0 {
		t.Error("a failed New kept the store")
	}
}

// createGrant creates a standing read grant for tenant.
func createGrant(t *testing.T, i *Instance, tenant string) store.Grant {
	t.Helper()
	g, err := i.Grants().Create(context.Background(), grant.CreateRequest{
		Tenant: tenant, Scopes: []string{"read"}, Standing: true, By: store.Actor{ID: "ops:test"},
	})
	if err != nil {
		t.Fatalf("create grant: %v", err)
	}
	return g
}

func TestDefaultStoreInDataDir(t *testing.T) {
	dir := t.TempDir()
	i := open(t, Config{DataDir: dir})
	createGrant(t, i, "acme")
	if _, err := os.Stat(filepath.Join(dir, DefaultBoltFile)); err != nil {
		t.Fatalf("default store file: %v", err)
	}
}

// TestSharesStore is what a reload does: the new config opens while the
// old one still holds the bolt file.
func TestSharesStore(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lockbox.db")
	s := &Storage{Backend: BackendBolt, Path: path}
	oldCfg := open(t, Config{Storage: s})
	// Another spelling of the same file must share it, not wait on its lock.
	newCfg := open(t, Config{Storage: &Storage{Backend: BackendBolt, Path: dir + "/sub/../lockbox.db"}})
	if oldCfg.Store() != newCfg.Store() || oldCfg.Audit() != newCfg.Audit() {
		t.Fatal("two configs naming one bolt file got different stores or audit writers")
	}
	if n := Uses(*s, Audit{}); n != 2 {
		t.Fatalf("store uses = %d; want 2", n)
	}
	if err := oldCfg.Close(); err != nil {
		t.Fatalf("close old config: %v", err)
	}
	g := createGrant(t, newCfg, "acme") // still open after the old config left
	if err := newCfg.Close(); err != nil {
		t.Fatalf("close new config: %v", err)
	}
	if n := Uses(*s, Audit{}); n != 0 {
		t.Fatalf("store still held %d times after the last config closed", n)
	}
	if _, err := testkit.BoltAt(t, path).GetGrant(context.Background(), "acme", g.ID); err != nil {
		t.Fatalf("grant written through the shared store: %v", err)
	}
}

func TestRedis(t *testing.T) {
	srv := redistest.Start(t)
	i := open(t, Config{Storage: &Storage{Backend: BackendRedis, URL: srv.URL()}})
	g := createGrant(t, i, "acme")
	cur, err := i.Grants().Current(context.Background(), "acme")
	if err != nil || cur.ID != g.ID {
		t.Fatalf("current grant = %v, %v; want %s", cur.ID, err, g.ID)
	}
}

// TestRedisDoesNotConnect: an unreachable Redis does not hold up opening
// the instance: the store connects on first use. CheckReachable says so.
func TestRedisDoesNotConnect(t *testing.T) {
	srv := redistest.Start(t)
	url := srv.URL()
	srv.Stop()
	i := open(t, Config{Storage: &Storage{Backend: BackendRedis, URL: url}})
	err := i.CheckReachable(context.Background())
	if err == nil || !strings.Contains(err.Error(), "storage: the redis store at ") {
		t.Fatalf("reachable = %v; want the store named as not answering", err)
	}
}

func TestBoltHeldByAnotherProcess(t *testing.T) {
	s, path := bolt(t)
	held, err := boltstore.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	refused(t, Config{Storage: s}, "in use by another process")
}

func TestSigningKeyFromFile(t *testing.T) {
	i := open(t, Config{SigningKeyFile: testkit.SigningKeyFile(t)})
	key, err := i.Keys().Signer()
	if err != nil || key.ID == "" {
		t.Fatalf("signer = %+v, %v", key, err)
	}
	if err := i.Keys().Rotate(context.Background(), time.Minute); !errors.Is(err, token.ErrFixedKey) {
		t.Fatalf("rotating a key from a file: %v; want ErrFixedKey", err)
	}
}

// writeLinkKey writes a link key file with one fresh key.
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
	i := open(t, Config{LinkKeyFile: writeLinkKey(t)})
	ctx := context.Background()
	raw, _, err := i.Links().Sign(ctx, adminlink.Claims{Tenant: "acme", AdminID: "a1", Role: "owner", ExpiresAt: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := i.Links().Verify(ctx, raw); err != nil {
		t.Fatal(err)
	}
	if _, err := i.Store().GetRecord(ctx, "keys", "adminlink"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("with a link key file, the store holds a link key: %v", err)
	}
	if _, _, err := i.Links().Rotate(ctx); !errors.Is(err, adminlink.ErrFixedKey) {
		t.Fatalf("rotating a link key from a file: %v; want ErrFixedKey", err)
	}
}

func TestKeyFileErrors(t *testing.T) {
	garbage := filepath.Join(t.TempDir(), "garbage")
	if err := os.WriteFile(garbage, []byte("correct horse battery staple\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	none := filepath.Join(t.TempDir(), "none")
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{name: "missing signing key", cfg: Config{SigningKeyFile: none}, want: "loading signing key: read signing key file"},
		{name: "signing key not a key", cfg: Config{SigningKeyFile: garbage}, want: "no PEM-encoded private key found"},
		{name: "missing link keys", cfg: Config{LinkKeyFile: none}, want: "loading admin link keys: read link key file"},
		{name: "link key not a key", cfg: Config{LinkKeyFile: garbage}, want: "line 1: not base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, path := bolt(t)
			tt.cfg.Storage = s
			refused(t, tt.cfg, tt.want, "horse")
			testkit.BoltAt(t, path)
		})
	}
}

func TestKeysLoadFromStoreAtStart(t *testing.T) {
	i := open(t, Config{})
	i.Start()
	t.Cleanup(i.Stop)
	testkit.Eventually(t, func() bool {
		_, err := i.Store().GetRecord(context.Background(), "keys", "signing")
		return err == nil
	}, "signing keys stored after Start")
}

// TestAuditWriterSharedAcrossReloads is a reload: the old config's
// requests may still record after the new config took over, and events
// are flushed when the last config lets go.
func TestAuditWriterSharedAcrossReloads(t *testing.T) {
	s, path := bolt(t)
	oldCfg, newCfg := open(t, Config{Storage: s}), open(t, Config{Storage: s})
	record := func(i *Instance, typ string) {
		t.Helper()
		if err := i.Audit().Record(context.Background(), "acme", store.Event{Type: typ}, nil); err != nil {
			t.Fatalf("record %s: %v", typ, err)
		}
	}
	record(oldCfg, "test.before")
	if err := oldCfg.Close(); err != nil {
		t.Fatal(err)
	}
	record(oldCfg, "test.old-request-finishing")
	record(newCfg, "test.after")
	if err := newCfg.Close(); err != nil {
		t.Fatal(err)
	}
	events, err := testkit.BoltAt(t, path).Events(context.Background(), "acme", store.EventQuery{})
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

func TestKeyRetention(t *testing.T) {
	i := open(t, Config{})
	if got := i.KeyRetention(); got != 6*time.Minute {
		t.Fatalf("retention without sites = %v; want the default 5m plus 1m", got)
	}
	i.NoteTokenTTL(10 * time.Minute)
	i.NoteTokenTTL(2 * time.Minute)
	if got := i.KeyRetention(); got != 11*time.Minute {
		t.Fatalf("retention = %v; want the longest lifetime 10m plus 1m", got)
	}
}
