package token_test

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/token"
)

func TestFirstLoadGeneratesAndStores(t *testing.T) {
	s, clk := testkit.Bolt(t), newClock()
	k := loadedKeys(t, s, clk)
	kid := signerID(t, k)
	if len(kid) != 43 {
		t.Errorf("kid %q is not a base64url SHA-256 thumbprint", kid)
	}
	raw, err := s.GetRecord(testCtx(t), "keys", "signing")
	if err != nil {
		t.Fatalf("the key set was not stored: %v", err)
	}
	var rec struct {
		Keys []struct {
			Kid   string `json:"kid"`
			PKCS8 []byte `json:"pkcs8"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil || len(rec.Keys) != 1 {
		t.Fatalf("stored key set = %d keys, %v", len(rec.Keys), err)
	}
	if rec.Keys[0].Kid != kid || len(rec.Keys[0].PKCS8) == 0 {
		t.Errorf("stored key %q, want %q with its private key", rec.Keys[0].Kid, kid)
	}
	wantKids(t, k, kid)
}

func TestSecondInstanceLoadsSameKey(t *testing.T) {
	s, clk := testkit.Bolt(t), newClock()
	first := signerID(t, loadedKeys(t, s, clk))
	if second := signerID(t, loadedKeys(t, s, clk)); second != first {
		t.Fatalf("second instance signs with %q, first with %q", second, first)
	}
}

func TestSignerLoadsOnFirstUse(t *testing.T) {
	s, clk := testkit.Bolt(t), newClock()
	k := token.NewKeys(s, clk.Now)
	kid := signerID(t, k)
	if stored := signerID(t, loadedKeys(t, s, clk)); stored != kid {
		t.Fatalf("lazily loaded %q, stored %q", kid, stored)
	}
}

func TestConcurrentFirstLoadOnOneStore(t *testing.T) {
	s, clk := testkit.Bolt(t), newClock()
	raceFirstLoad(t, s, s, clk)
}

// raceFirstLoad loads keys through a and b at once, several times over an
// empty key set: both must end up signing with the same key.
func raceFirstLoad(t *testing.T, a, b store.Store, clk *testkit.Clock) {
	for round := range 10 {
		if err := a.DeleteRecord(testCtx(t), "keys", "signing"); err != nil {
			t.Fatal(err)
		}
		ka, kb := token.NewKeys(a, clk.Now), token.NewKeys(b, clk.Now)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, k := range []*token.Keys{ka, kb} {
			wg.Go(func() { errs[i] = k.Load(testCtx(t)) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("round %d: Load: %v", round, err)
		}
		if ida, idb := signerID(t, ka), signerID(t, kb); ida != idb {
			t.Fatalf("round %d: instances sign with %q and %q", round, ida, idb)
		}
		wantKids(t, ka, signerID(t, ka))
	}
}

func TestCorruptKeySet(t *testing.T) {
	const secret = "c2VjcmV0LWtleS1tYXRlcmlhbA"
	tests := []struct {
		name  string
		value string
	}{
		{name: "not JSON", value: "{" + secret},
		{name: "no keys", value: `{"keys":[]}`},
		{name: "bad private key", value: `{"keys":[{"kid":"k1","pkcs8":"` + secret + `"}]}`},
		{name: "no current key", value: `{"keys":[{"kid":"k1","pkcs8":"` + secret + `","retired_at":"2030-01-01T00:00:00Z"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testkit.Bolt(t)
			if err := s.PutRecord(testCtx(t), "keys", "signing", []byte(tt.value), 0); err != nil {
				t.Fatal(err)
			}
			err := token.NewKeys(s, nil).Load(testCtx(t))
			if err == nil {
				t.Fatal("Load accepted a corrupt key set")
			}
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("error quotes the stored key: %v", err)
			}
		})
	}
}

func TestStoreDown(t *testing.T) {
	s := testkit.Bolt(t)
	k := token.NewKeys(s, nil)
	_ = s.Close()
	if err := k.Load(testCtx(t)); err == nil {
		t.Fatal("Load on a closed store succeeded")
	}
	if _, err := k.Signer(); err == nil {
		t.Fatal("Signer on a closed store succeeded")
	}
	if _, err := k.JWKS(); err == nil {
		t.Fatal("JWKS on a closed store succeeded")
	}
}

func TestInvalidateReloads(t *testing.T) {
	s, clk := testkit.Bolt(t), newClock()
	k := loadedKeys(t, s, clk)
	before := signerID(t, k)
	if err := s.DeleteRecord(testCtx(t), "keys", "signing"); err != nil {
		t.Fatal(err)
	}
	if got := signerID(t, k); got != before {
		t.Fatal("Signer read the store without an Invalidate")
	}
	k.Observe(store.Change{Kind: store.ChangeGrant, Tenant: "acme"})
	if got := signerID(t, k); got != before {
		t.Fatal("a grant change reloaded the keys")
	}
	k.Observe(store.Change{Kind: store.ChangeResync})
	if got := signerID(t, k); got == before {
		t.Fatal("Signer did not reload after a resync")
	}
}
