package token_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/token"
)

func TestTokenClaims(t *testing.T) {
	clk := newClock()
	k := loadedKeys(t, testkit.Bolt(t), clk)
	sess := session(clk.Now())
	raw, exp := mustToken(t, newMinter(t, k, clk), sess)

	jwks, _ := k.JWKS()
	claims, err := verifyToken(raw, jwks, testIssuer, testAudience, clk.Now)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if claims.Tenant != "acme" || claims.Scope != "read write" || claims.SessionID != "s_1" || claims.Grant != "g_1" {
		t.Errorf("claims = %+v", claims)
	}
	if want := clk.Now().Add(token.DefaultTTL); !exp.Equal(want) {
		t.Errorf("expiry = %v, want %v", exp, want)
	}

	header, payload := segments(t, raw)
	if header["alg"] != "ES256" || header["typ"] != "JWT" || header["kid"] != signerID(t, k) {
		t.Errorf("header = %v", header)
	}
	iat := float64(clk.Now().Unix())
	want := map[string]any{
		"iss": testIssuer, "aud": []any{testAudience}, "sub": "acme", "tenant": "acme",
		"scope": "read write", "sid": "s_1", "grant": "g_1",
		"iat": iat, "nbf": iat, "exp": iat + 300,
		"act": map[string]any{"sub": "agent-7", "email": "ann@vendor.example", "iss": "https://login.example.com"},
	}
	for name, v := range want {
		if !equalJSON(payload[name], v) {
			t.Errorf("claim %s = %#v, want %#v", name, payload[name], v)
		}
	}
	if _, ok := payload["break_glass"]; ok {
		t.Error("break_glass is present on a token under a grant")
	}
	if jti, _ := payload["jti"].(string); len(jti) < 20 {
		t.Errorf("jti = %q, want a random id", jti)
	}
}

func equalJSON(a, b any) bool {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for k := range av {
			if !equalJSON(av[k], bv[k]) {
				return false
			}
		}
		return true
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return false
		}
		for i := range av {
			if !equalJSON(av[i], bv[i]) {
				return false
			}
		}
		return true
	}
	return a == b
}

func TestBreakGlassToken(t *testing.T) {
	clk := newClock()
	k := loadedKeys(t, testkit.Bolt(t), clk)
	sess := session(clk.Now())
	sess.BreakGlass, sess.Reason = true, "outage" // a stray grant id must not leak into the token
	raw, _ := mustToken(t, newMinter(t, k, clk), sess)
	_, payload := segments(t, raw)
	if payload["break_glass"] != true {
		t.Errorf("break_glass = %v, want true", payload["break_glass"])
	}
	if _, ok := payload["grant"]; ok {
		t.Error("grant is present on a break-glass token")
	}
	if _, ok := payload["act"].(map[string]any); !ok {
		t.Error("act is missing")
	}
	jwks, _ := k.JWKS()
	if _, err := verifyToken(raw, jwks, testIssuer, testAudience, clk.Now); err != nil {
		t.Fatalf("verify: %v", err)
	}
}

func TestExpiryCappedAtSessionEnd(t *testing.T) {
	clk := newClock()
	m := newMinter(t, loadedKeys(t, testkit.Bolt(t), clk), clk)
	sess := session(clk.Now())
	sess.EndsAt = clk.Now().Add(2*time.Minute + 500*time.Millisecond)
	raw, exp := mustToken(t, m, sess)
	if exp.After(sess.EndsAt) {
		t.Fatalf("expiry %v is past the session end %v", exp, sess.EndsAt)
	}
	_, payload := segments(t, raw)
	if got, want := payload["exp"], float64(clk.Now().Add(2*time.Minute).Unix()); got != want {
		t.Fatalf("exp = %v, want %v", got, want)
	}
}

func TestTokenReusedWithinLifetime(t *testing.T) {
	clk := newClock()
	m := newMinter(t, loadedKeys(t, testkit.Bolt(t), clk), clk)
	sess := session(clk.Now())
	first, exp := mustToken(t, m, sess)
	clk.Add(4*time.Minute - time.Second)
	if again, againExp := mustToken(t, m, sess); again != first || !againExp.Equal(exp) {
		t.Fatal("token re-minted with more than a fifth of its lifetime left")
	}
	clk.Add(time.Second)
	renewed, renewedExp := mustToken(t, m, sess)
	if renewed == first {
		t.Fatal("token not re-minted past 80% of its lifetime")
	}
	if want := clk.Now().Add(token.DefaultTTL); !renewedExp.Equal(want) {
		t.Fatalf("renewed expiry = %v, want %v", renewedExp, want)
	}
	other := sess
	other.ID = "s_2"
	if raw, _ := mustToken(t, m, other); raw == renewed {
		t.Fatal("two sessions share a token")
	}
}

func TestForget(t *testing.T) {
	clk := newClock()
	m := newMinter(t, loadedKeys(t, testkit.Bolt(t), clk), clk)
	sess := session(clk.Now())
	first, _ := mustToken(t, m, sess)
	m.Forget(sess.ID)
	if again, _ := mustToken(t, m, sess); again == first {
		t.Fatal("Forget kept the token")
	}
}

func TestTokenRefusesSession(t *testing.T) {
	now := newClock().Now()
	ended := now.Add(-time.Minute)
	tests := []struct {
		name  string
		edit  func(*store.Session)
		want  string
		isErr error
	}{
		{name: "ended", edit: func(s *store.Session) { s.EndedAt = &ended }, isErr: token.ErrSessionOver},
		{name: "past its end", edit: func(s *store.Session) { s.EndsAt = now }, isErr: token.ErrSessionOver},
		{name: "ends within the second", edit: func(s *store.Session) { s.EndsAt = now.Add(time.Millisecond) }, isErr: token.ErrSessionOver},
		{name: "no end", edit: func(s *store.Session) { s.EndsAt = time.Time{} }, want: "no end time"},
		{name: "no id", edit: func(s *store.Session) { s.ID = "" }, want: "lacks an id"},
		{name: "no tenant", edit: func(s *store.Session) { s.Tenant = "" }, want: "lacks an id, tenant"},
		{name: "no agent", edit: func(s *store.Session) { s.Agent.Subject = "" }, want: "or agent"},
		{name: "no grant", edit: func(s *store.Session) { s.Grant = "" }, want: "no grant"},
	}
	clk := newClock()
	m := newMinter(t, loadedKeys(t, testkit.Bolt(t), clk), clk)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sess := session(now)
			tt.edit(&sess)
			_, _, err := m.Token(sess)
			if err == nil {
				t.Fatal("Token succeeded")
			}
			if tt.isErr != nil && !errors.Is(err, tt.isErr) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v", err)
			}
		})
	}
}

func TestNewMinterRefuses(t *testing.T) {
	k := token.NewKeys(testkit.Bolt(t), nil)
	good := token.MinterConfig{Issuer: testIssuer, Audience: testAudience}
	tests := []struct {
		name string
		keys *token.Keys
		edit func(*token.MinterConfig)
		want string
	}{
		{name: "no keys", edit: func(*token.MinterConfig) {}, want: "no signing keys"},
		{name: "no issuer", keys: k, edit: func(c *token.MinterConfig) { c.Issuer = "" }, want: "issuer is empty"},
		{name: "no audience", keys: k, edit: func(c *token.MinterConfig) { c.Audience = "" }, want: "audience is empty"},
		{name: "negative ttl", keys: k, edit: func(c *token.MinterConfig) { c.TTL = -time.Minute }, want: "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			tt.edit(&cfg)
			if _, err := token.NewMinter(tt.keys, cfg, nil); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewMinter error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestCachedTokenDoesNotSign(t *testing.T) {
	clk := newClock()
	m := newMinter(t, loadedKeys(t, testkit.Bolt(t), clk), clk)
	sess := session(clk.Now())
	first, _ := mustToken(t, m, sess)
	allocs := testing.AllocsPerRun(100, func() {
		if raw, _, err := m.Token(sess); err != nil || raw != first {
			t.Fatalf("cached token changed: %v", err)
		}
	})
	if allocs != 0 {
		t.Fatalf("cached Token allocates %.0f times per call; signing would", allocs)
	}
}

func BenchmarkTokenCached(b *testing.B) {
	clk := newClock()
	m := newMinter(b, loadedKeys(b, testkit.Bolt(b), clk), clk)
	sess := session(clk.Now())
	mustToken(b, m, sess)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := m.Token(sess); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkTokenMint(b *testing.B) {
	clk := newClock()
	m := newMinter(b, loadedKeys(b, testkit.Bolt(b), clk), clk)
	sess := session(clk.Now())
	b.ReportAllocs()
	for b.Loop() {
		m.Forget(sess.ID)
		if _, _, err := m.Token(sess); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJWKS(b *testing.B) {
	clk := newClock()
	k := loadedKeys(b, testkit.Bolt(b), clk)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.JWKS(); err != nil {
			b.Fatal(err)
		}
	}
}
