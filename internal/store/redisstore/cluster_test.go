package redisstore_test

import (
	"testing"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/store/redisstore"
	"github.com/lockbox-gw/lockbox/internal/store/storetest"
)

// openCluster returns a Store over a cluster client of its own, opened
// from the URL the Caddyfile would carry.
func openCluster(t *testing.T, c *redistest.Cluster) *redisstore.Store {
	t.Helper()
	s, err := redisstore.Open(c.URL())
	if err != nil {
		t.Fatalf("Open(%s): %v", c.URL(), err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestConformanceOnCluster runs the whole suite on a three-master Redis
// Cluster: every multi-key script must stay within one hash slot, and the
// change feed must reach subscribers on every node.
func TestConformanceOnCluster(t *testing.T) {
	c := redistest.StartCluster(t)
	storetest.Run(t, func(t *testing.T) (store.Store, store.Store) {
		c.FlushAll(t)
		return openCluster(t, c), openCluster(t, c)
	})
}
