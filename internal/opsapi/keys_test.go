package opsapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/opsapi"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// keysEnv serves the API with keys over the bolt store of a fresh env.
func keysEnv(t *testing.T, keys func(store.Store) *token.Keys, keepFor time.Duration) (*env, *token.Keys) {
	t.Helper()
	e, _ := newBoltEnv(t)
	k := keys(e.store)
	e.srv.Close()
	e.srv = httptest.NewServer(opsapi.New(grant.New(e.store, e.clock.Now),
		opsapi.WithKeys(k, func() time.Duration { return keepFor })))
	return e, k
}

// rotationAnswer is the answer of a key rotation.
type rotationAnswer struct {
	KID             string `json:"kid"`
	PreviousKeptFor string `json:"previous_kept_for"`
}

// publishedKIDs returns the kids of the JWKS, current first.
func publishedKIDs(t *testing.T, k *token.Keys) []string {
	t.Helper()
	raw, err := k.JWKS()
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Keys []struct {
			KID string `json:"kid"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(raw, &set); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, key := range set.Keys {
		out = append(out, key.KID)
	}
	return out
}

func TestRotateKeys(t *testing.T) {
	e, k := keysEnv(t, func(s store.Store) *token.Keys { return token.NewKeys(s, nil) }, 6*time.Minute)
	before, err := k.Signer()
	if err != nil {
		t.Fatal(err)
	}

	var got rotationAnswer
	e.call(http.MethodPost, "/lockbox/keys/rotate", "", http.StatusOK, &got)
	if got.KID == "" || got.KID == before.ID || got.PreviousKeptFor != "6m0s" {
		t.Fatalf("rotation = %+v; previous kid %s", got, before.ID)
	}
	if kids := publishedKIDs(t, k); len(kids) != 2 || kids[0] != got.KID || kids[1] != before.ID {
		t.Fatalf("published kids %v; want the new %s, then the retired %s", kids, got.KID, before.ID)
	}
	// Another instance over the same store signs with the new key.
	if other, err := token.NewKeys(e.store, nil).Signer(); err != nil || other.ID != got.KID {
		t.Fatalf("another instance signs with %s, %v; want %s", other.ID, err, got.KID)
	}
}

func TestRotateKeysRefused(t *testing.T) {
	fixed := func(s store.Store) *token.Keys {
		k := token.NewKeys(s, nil)
		if err := k.LoadPEM(testkit.SigningKeyFile(t)); err != nil {
			t.Fatal(err)
		}
		return k
	}
	e, _ := keysEnv(t, fixed, time.Minute)
	msg, _ := e.callError(http.MethodPost, "/lockbox/keys/rotate", "", http.StatusConflict, "fixed_signing_key")
	if msg == "" {
		t.Fatal("no message")
	}
	e.callError(http.MethodPost, "/lockbox/keys/rotate", `{"keep":"1h"}`, http.StatusBadRequest, "invalid_json")
	e.callError(http.MethodPost, "/lockbox/keys/rotate?keep=1h", "", http.StatusBadRequest, "invalid_query")
	e.callError(http.MethodGet, "/lockbox/keys/rotate", "", http.StatusMethodNotAllowed, "method_not_allowed")
}

func TestRotateKeysWithoutKeys(t *testing.T) {
	e, _ := newBoltEnv(t)
	e.callError(http.MethodPost, "/lockbox/keys/rotate", "", http.StatusServiceUnavailable, "keys_unavailable")
}
