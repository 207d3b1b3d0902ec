package token_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/token"
)

func TestRotate(t *testing.T) {
	s, clk := testkit.Bolt(t), newClock()
	k := loadedKeys(t, s, clk)
	m := newMinter(t, k, clk)
	sess := session(clk.Now())
	old := signerID(t, k)
	before, _ := mustToken(t, m, sess)

	clk.Add(time.Minute)
	if err := k.Rotate(testCtx(t), 5*time.Minute); err != nil {
		t.Fatalf("Rotate: %v", err)
	}
	current := signerID(t, k)
	if current == old {
		t.Fatal("Rotate kept the signing key")
	}
	wantKids(t, k, current, old)
	jwks, _ := k.JWKS()
	if _, err := verifyToken(before, jwks, testIssuer, testAudience, clk.Now); err != nil {
		t.Fatalf("a token signed before the rotation no longer verifies: %v", err)
	}
	after, _ := mustToken(t, m, sess)
	if h, _ := segments(t, after); h["kid"] != current {
		t.Fatalf("after Rotate the token is signed by %v, want %q", h["kid"], current)
	}

	clk.Add(5 * time.Minute)
	wantKids(t, k, current, old)
	clk.Add(time.Second)
	wantKids(t, k, current)
	wantKids(t, loadedKeys(t, s, clk), current)
}

func TestRotateDropsOldKeys(t *testing.T) {
	s, clk := testkit.Bolt(t), newClock()
	k := loadedKeys(t, s, clk)
	first := signerID(t, k)
	mustRotate(t, k, time.Minute)
	second := signerID(t, k)
	clk.Add(2 * time.Minute)
	mustRotate(t, k, time.Hour)
	third := signerID(t, k)
	wantKids(t, k, third, second)
	if slices.Contains(jwksKids(t, loadedKeys(t, s, clk)), first) {
		t.Fatal("a key retired past its keep time is still stored")
	}
}

func TestConcurrentRotate(t *testing.T) {
	s, clk := testkit.Bolt(t), newClock()
	first := signerID(t, loadedKeys(t, s, clk))
	a, b := loadedKeys(t, s, clk), loadedKeys(t, s, clk)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, k := range []*token.Keys{a, b} {
		wg.Go(func() { errs[i] = k.Rotate(testCtx(t), time.Hour) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("Rotate: %v", err)
	}
	kids := jwksKids(t, loadedKeys(t, s, clk))
	if len(kids) != 3 || !slices.Contains(kids, first) {
		t.Fatalf("after two rotations the set is %q; want 3 keys including %q", kids, first)
	}
}

func TestRotateWithoutKeySet(t *testing.T) {
	s, clk := testkit.Bolt(t), newClock()
	k := token.NewKeys(s, clk.Now)
	mustRotate(t, k, time.Minute)
	wantKids(t, loadedKeys(t, s, clk), signerID(t, k))
}

func TestRotateRefused(t *testing.T) {
	s, clk := testkit.Bolt(t), newClock()
	k := loadedKeys(t, s, clk)
	if err := k.Rotate(testCtx(t), -time.Second); err == nil {
		t.Error("Rotate accepted a negative keep time")
	}
	if err := k.LoadPEM(writePEM(t, pkcs8PEM(t, newP256(t)))); err != nil {
		t.Fatal(err)
	}
	if err := k.Rotate(testCtx(t), time.Minute); !errors.Is(err, token.ErrFixedKey) {
		t.Fatalf("Rotate of a key from a file: %v", err)
	}
}

func TestRotationReachesWatchers(t *testing.T) {
	s, clk := testkit.Bolt(t), newClock()
	a, b := loadedKeys(t, s, clk), loadedKeys(t, s, clk)
	watchKeys(t, s, b)
	mustRotate(t, a, time.Minute)
	want := signerID(t, a)
	testkit.Eventually(t, func() bool {
		return signerID(t, b) == want
	}, "the watcher to sign with the rotated key")
}

func mustRotate(t testing.TB, k *token.Keys, keepFor time.Duration) {
	t.Helper()
	if err := k.Rotate(testCtx(t), keepFor); err != nil {
		t.Fatalf("Rotate: %v", err)
	}
}

// watchKeys invalidates k on every key change s reports, until t ends.
func watchKeys(t testing.TB, s store.Store, k *token.Keys) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := s.Watch(ctx, k.Observe); err != nil {
		t.Fatalf("Watch: %v", err)
	}
}
