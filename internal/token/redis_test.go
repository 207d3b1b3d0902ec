package token_test

import (
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store/redisstore"
)

// TestTwoInstancesOnRedis runs two store clients, as two gateway
// instances would: they agree on the first key, and a rotation by one
// reaches the other through the change feed.
func TestTwoInstancesOnRedis(t *testing.T) {
	srv := redistest.Start(t)
	open := func() *redisstore.Store {
		s, err := redisstore.Open(srv.URL())
		if err != nil {
			t.Fatalf("open redis store: %v", err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	a, b := open(), open()
	clk := newClock()

	raceFirstLoad(t, a, b, clk)

	ka, kb := loadedKeys(t, a, clk), loadedKeys(t, b, clk)
	watchKeys(t, b, kb)
	old := signerID(t, kb)
	before, _ := mustToken(t, newMinter(t, kb, clk), session(clk.Now()))

	mustRotate(t, ka, 5*time.Minute)
	rotated := signerID(t, ka)
	eventually(t, "the other instance to sign with the rotated key", func() bool {
		return signerID(t, kb) == rotated
	})
	wantKids(t, kb, rotated, old)
	jwks, _ := kb.JWKS()
	if _, err := verifyToken(before, jwks, testIssuer, testAudience, clk.Now); err != nil {
		t.Fatalf("a token signed before the rotation no longer verifies: %v", err)
	}
}
