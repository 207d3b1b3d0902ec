package gateway

import (
	"fmt"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// TestFullCacheStillTakesFresherValues: a full cache takes no new keys,
// but a value read fresh from the store replaces the one it holds, which
// would otherwise outlive the change that made it stale.
func TestFullCacheStillTakesFresherValues(t *testing.T) {
	c := newCache()
	for i := range maxEntries {
		c.putGrant(c.generation(), fmt.Sprint("t", i), grantEntry{grant: store.Grant{ID: "old"}})
	}
	c.putGrant(c.generation(), "t7", grantEntry{none: true})
	if e, ok := c.grants["t7"]; !ok || !e.none {
		t.Fatalf("t7 = %+v, %v; want the fresher value (no grant)", e, ok)
	}
	c.putGrant(c.generation(), "new", grantEntry{grant: store.Grant{ID: "g"}})
	if _, ok := c.grants["new"]; ok {
		t.Fatal("a full cache took a new key")
	}
}
