package token_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/token"
)

const (
	testIssuer   = "https://app.example.com/_lockbox"
	testAudience = "app.example.com"
)

// newClock is the clock of expiry tests, at a fixed start.
func newClock() *testkit.Clock { return testkit.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)) }

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// loadedKeys returns a Keys over s, loaded.
func loadedKeys(t testing.TB, s store.Store, clk *testkit.Clock) *token.Keys {
	t.Helper()
	k := token.NewKeys(s, clk.Now)
	if err := k.Load(testCtx(t)); err != nil {
		t.Fatalf("Load: %v", err)
	}
	return k
}

func newMinter(t testing.TB, k *token.Keys, clk *testkit.Clock) *token.Minter {
	t.Helper()
	m, err := token.NewMinter(k, token.MinterConfig{Issuer: testIssuer, Audience: testAudience}, clk.Now)
	if err != nil {
		t.Fatalf("NewMinter: %v", err)
	}
	return m
}

// session returns an active session under a grant, ending in an hour.
func session(now time.Time) store.Session {
	return store.Session{
		ID:        "s_1",
		Tenant:    "acme",
		Grant:     "g_1",
		Agent:     store.Agent{Subject: "agent-7", Issuer: "https://login.example.com", Email: "ann@vendor.example"},
		Scopes:    []string{"read", "write"},
		StartedAt: now,
		EndsAt:    now.Add(time.Hour),
	}
}

func mustToken(t testing.TB, m *token.Minter, sess store.Session) (string, time.Time) {
	t.Helper()
	raw, exp, err := m.Token(sess)
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	return raw, exp
}

func signerID(t testing.TB, k *token.Keys) string {
	t.Helper()
	key, err := k.Signer()
	if err != nil {
		t.Fatalf("Signer: %v", err)
	}
	return key.ID
}

// jwksKids lists the kids the keys publish.
func jwksKids(t testing.TB, k *token.Keys) []string {
	t.Helper()
	raw, err := k.JWKS()
	if err != nil {
		t.Fatalf("JWKS: %v", err)
	}
	var set struct {
		Keys []struct {
			Kid string `json:"kid"`
			D   string `json:"d"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(raw, &set); err != nil {
		t.Fatalf("JWKS is not JSON: %v", err)
	}
	var kids []string
	for _, key := range set.Keys {
		if key.D != "" {
			t.Fatal("JWKS publishes a private key")
		}
		kids = append(kids, key.Kid)
	}
	return kids
}

func wantKids(t testing.TB, k *token.Keys, want ...string) {
	t.Helper()
	if got := jwksKids(t, k); !slices.Equal(got, want) {
		t.Fatalf("JWKS kids = %q, want %q", got, want)
	}
}

// segments decodes a token's header and payload as JSON maps.
func segments(t testing.TB, raw string) (header, payload map[string]any) {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	return decodeSegment(t, parts[0]), decodeSegment(t, parts[1])
}

func decodeSegment(t testing.TB, seg string) map[string]any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatalf("segment is not base64url: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("segment is not JSON: %v", err)
	}
	return m
}
