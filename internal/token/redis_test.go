package token_test

import (
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// TestTwoInstancesOnRedis runs two store clients, as two gateway
// instances would: they agree on the first key, and a rotation by one
// reaches the other through the change feed.
func TestTwoInstancesOnRedis(t *testing.T) {
	srv := redistest.Start(t)
	a, b := testkit.Redis(t, srv.URL()), testkit.Redis(t, srv.URL())
	clk := newClock()

	raceFirstLoad(t, a, b, clk)

	ka, kb := loadedKeys(t, a, clk), loadedKeys(t, b, clk)
	watchKeys(t, b, kb)
	old := signerID(t, kb)
	before, _ := mustToken(t, newMinter(t, kb, clk), session(clk.Now()))

	mustRotate(t, ka, 5*time.Minute)
	rotated := signerID(t, ka)
	testkit.Eventually(t, func() bool {
		return signerID(t, kb) == rotated
	}, "the other instance to sign with the rotated key")
	wantKids(t, kb, rotated, old)
	jwks, _ := kb.JWKS()
	if _, err := verifyToken(before, jwks, testIssuer, testAudience, clk.Now); err != nil {
		t.Fatalf("a token signed before the rotation no longer verifies: %v", err)
	}
}
