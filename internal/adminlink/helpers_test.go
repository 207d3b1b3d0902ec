package adminlink_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// ctx is a context for one call of the test.
var ctx = testkit.Context

// claims is a link for admin u_1 of acme, valid for a day from c.
func claims(c *testkit.Clock) adminlink.Claims {
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
