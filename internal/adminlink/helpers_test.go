package adminlink_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/store/boltstore"
)

// clock is an injected clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *clock { return &clock{t: time.Now().UTC().Truncate(time.Second)} }

func openBolt(t *testing.T) store.Store {
	t.Helper()
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "lockbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

// claims is a link for admin u_1 of acme, valid for a day from c.
func claims(c *clock) adminlink.Claims {
	return adminlink.Claims{Tenant: "acme", AdminID: "u_1", Role: "owner", ExpiresAt: c.Now().Add(24 * time.Hour)}
}

func sign(t *testing.T, l *adminlink.Links, c adminlink.Claims) (string, adminlink.Claims) {
	t.Helper()
	raw, signed, err := l.Sign(ctx(t), c)
	if err != nil {
		t.Fatal(err)
	}
	return raw, signed
}

// storedKey returns the kid and secret of the i-th stored link key.
func storedKey(t *testing.T, st store.Store, i int) (string, []byte) {
	t.Helper()
	raw, err := st.GetRecord(ctx(t), "keys", "adminlink")
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Keys []struct {
			Kid    string `json:"kid"`
			Secret []byte `json:"secret"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(raw, &set); err != nil || len(set.Keys) <= i || len(set.Keys[i].Secret) != 32 {
		t.Fatalf("stored keys: %d bytes, %v", len(raw), err)
	}
	return set.Keys[i].Kid, set.Keys[i].Secret
}
