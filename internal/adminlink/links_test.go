package adminlink_test

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

func TestSignAndVerify(t *testing.T) {
	c := testkit.NowClock()
	l := adminlink.NewLinks(testkit.Bolt(t), c.Now)
	want := claims(c)
	want.Areas = []string{}
	raw, signed := sign(t, l, want)
	if signed.ID == "" || !signed.IssuedAt.Equal(c.Now()) || !signed.ExpiresAt.Equal(want.ExpiresAt) {
		t.Fatalf("signed claims %+v", signed)
	}
	got, err := l.Verify(ctx(t), raw)
	if err != nil {
		t.Fatal(err)
	}
	signed.Areas = nil // an empty list is not carried
	if !reflect.DeepEqual(got, signed) {
		t.Fatalf("Verify = %+v, want %+v", got, signed)
	}
	if _, other := sign(t, l, claims(c)); other.ID == signed.ID {
		t.Fatal("two links share a jti")
	}
}

func TestAreasAreCarried(t *testing.T) {
	c := testkit.NowClock()
	l := adminlink.NewLinks(testkit.Bolt(t), c.Now)
	in := claims(c)
	in.Areas = []string{"grants", "audit"}
	raw, _ := sign(t, l, in)
	got, err := l.Verify(ctx(t), raw)
	if err != nil || !reflect.DeepEqual(got.Areas, in.Areas) {
		t.Fatalf("Verify = %+v, %v", got, err)
	}
}

func TestChangingAnyCharacterInvalidates(t *testing.T) {
	c := testkit.NowClock()
	l := adminlink.NewLinks(testkit.Bolt(t), c.Now)
	raw, _ := sign(t, l, claims(c))
	for i := range len(raw) {
		for _, ch := range []byte{'A', 'g', '_', '.'} {
			if raw[i] == ch {
				continue
			}
			bad := raw[:i] + string(ch) + raw[i+1:]
			if _, err := l.Verify(ctx(t), bad); !errors.Is(err, adminlink.ErrInvalid) {
				t.Fatalf("token changed at %d to %q: %v, want ErrInvalid", i, ch, err)
			}
		}
	}
	for _, bad := range []string{"", raw + "x", raw[:len(raw)-1], "x" + raw, strings.Repeat("a", 5000), "a.b.c"} {
		if _, err := l.Verify(ctx(t), bad); !errors.Is(err, adminlink.ErrInvalid) {
			t.Fatalf("Verify(%.20q…) = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestExpiredSaysSo(t *testing.T) {
	c := testkit.NowClock()
	l := adminlink.NewLinks(testkit.Bolt(t), c.Now)
	raw, _ := sign(t, l, claims(c))
	c.Add(24*time.Hour - time.Second)
	if _, err := l.Verify(ctx(t), raw); err != nil {
		t.Fatalf("a second before expiry: %v", err)
	}
	c.Add(time.Second)
	_, err := l.Verify(ctx(t), raw)
	p := problem.As(err)
	if !errors.Is(err, adminlink.ErrExpired) || p.Code != adminlink.CodeExpired || p.Kind != problem.Forbidden || !strings.Contains(p.Message, "expired") {
		t.Fatalf("Verify at expiry = %v (%+v)", err, p)
	}
}

func TestLinkOfOtherTenantIsRefused(t *testing.T) {
	c := testkit.NowClock()
	l := adminlink.NewLinks(testkit.Bolt(t), c.Now)
	raw, _ := sign(t, l, claims(c))
	got, err := l.Verify(ctx(t), raw)
	if err != nil || got.For("acme") != nil {
		t.Fatalf("Verify = %+v, %v", got, err)
	}
	err = got.For("globex")
	if !errors.Is(err, adminlink.ErrWrongTenant) || problem.As(err).Kind != problem.Forbidden {
		t.Fatalf("For(globex) = %v", err)
	}
}

// TestForeignTokensAreInvalid signs tokens with the real key but with
// one part wrong, and with another store's key.
func TestForeignTokensAreInvalid(t *testing.T) {
	c := testkit.NowClock()
	st := testkit.Bolt(t)
	l := adminlink.NewLinks(st, c.Now)
	sign(t, l, claims(c)) // creates the key
	kid, key := storedKey(t, st, 0)
	good := func() jwt.MapClaims {
		return jwt.MapClaims{
			"tenant": "acme", "role": "owner", "sub": "u_1", "aud": adminlink.Audience,
			"exp": c.Now().Add(time.Hour).Unix(), "iat": c.Now().Unix(), "jti": "j1",
		}
	}
	mkKid := func(m jwt.SigningMethod, typ string, kid any, edit func(jwt.MapClaims)) string {
		mc := good()
		edit(mc)
		tok := jwt.NewWithClaims(m, mc)
		tok.Header["typ"] = typ
		if kid != nil {
			tok.Header["kid"] = kid
		}
		raw, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	mk := func(m jwt.SigningMethod, typ string, edit func(jwt.MapClaims)) string {
		return mkKid(m, typ, kid, edit)
	}
	same := func(jwt.MapClaims) {}
	if _, err := l.Verify(ctx(t), mk(jwt.SigningMethodHS256, adminlink.TokenType, same)); err != nil {
		t.Fatalf("the control token is refused: %v", err)
	}
	otherKey, _, _ := adminlink.NewLinks(testkit.Bolt(t), c.Now).Sign(ctx(t), claims(c))
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, good()).SignedString(jwt.UnsafeAllowNoneSignatureType)
	tests := map[string]string{
		"another key":          otherKey,
		"alg none":             none,
		"HS512":                mk(jwt.SigningMethodHS512, adminlink.TokenType, same),
		"impersonation typ":    mk(jwt.SigningMethodHS256, "JWT", same),
		"no typ":               mk(jwt.SigningMethodHS256, "", same),
		"other audience":       mk(jwt.SigningMethodHS256, adminlink.TokenType, func(m jwt.MapClaims) { m["aud"] = "app.example.com" }),
		"no expiry":            mk(jwt.SigningMethodHS256, adminlink.TokenType, func(m jwt.MapClaims) { delete(m, "exp") }),
		"no jti":               mk(jwt.SigningMethodHS256, adminlink.TokenType, func(m jwt.MapClaims) { delete(m, "jti") }),
		"no iat":               mk(jwt.SigningMethodHS256, adminlink.TokenType, func(m jwt.MapClaims) { delete(m, "iat") }),
		"no admin":             mk(jwt.SigningMethodHS256, adminlink.TokenType, func(m jwt.MapClaims) { delete(m, "sub") }),
		"no role":              mk(jwt.SigningMethodHS256, adminlink.TokenType, func(m jwt.MapClaims) { m["role"] = "" }),
		"bad tenant":           mk(jwt.SigningMethodHS256, adminlink.TokenType, func(m jwt.MapClaims) { m["tenant"] = "../acme" }),
		"tenant not a string":  mk(jwt.SigningMethodHS256, adminlink.TokenType, func(m jwt.MapClaims) { m["tenant"] = 7 }),
		"areas not a list":     mk(jwt.SigningMethodHS256, adminlink.TokenType, func(m jwt.MapClaims) { m["areas"] = "all" }),
		"no kid":               mkKid(jwt.SigningMethodHS256, adminlink.TokenType, nil, same),
		"unknown kid":          mkKid(jwt.SigningMethodHS256, adminlink.TokenType, "AAAAAAAAAAAAAAAA", same),
		"kid not a string":     mkKid(jwt.SigningMethodHS256, adminlink.TokenType, 7, same),
		"huge kid":             mkKid(jwt.SigningMethodHS256, adminlink.TokenType, strings.Repeat("k", 100), same),
		"lives past MaxTTL":    mk(jwt.SigningMethodHS256, adminlink.TokenType, func(m jwt.MapClaims) { m["iat"] = c.Now().Add(-adminlink.MaxTTL).Unix() }),
		"control char in role": mk(jwt.SigningMethodHS256, adminlink.TokenType, func(m jwt.MapClaims) { m["role"] = "own\ner" }),
	}
	for name, raw := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := l.Verify(ctx(t), raw); !errors.Is(err, adminlink.ErrInvalid) {
				t.Fatalf("Verify = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestSignRefusesBadClaims(t *testing.T) {
	c := testkit.NowClock()
	l := adminlink.NewLinks(testkit.Bolt(t), c.Now)
	edit := func(f func(*adminlink.Claims)) adminlink.Claims {
		cl := claims(c)
		f(&cl)
		return cl
	}
	tests := map[string]adminlink.Claims{
		"bad tenant":     edit(func(cl *adminlink.Claims) { cl.Tenant = "Acme" }),
		"no admin":       edit(func(cl *adminlink.Claims) { cl.AdminID = "" }),
		"no role":        edit(func(cl *adminlink.Claims) { cl.Role = " " }),
		"already over":   edit(func(cl *adminlink.Claims) { cl.ExpiresAt = c.Now() }),
		"no expiry":      edit(func(cl *adminlink.Claims) { cl.ExpiresAt = time.Time{} }),
		"too long":       edit(func(cl *adminlink.Claims) { cl.ExpiresAt = c.Now().Add(adminlink.MaxTTL + time.Second) }),
		"empty area":     edit(func(cl *adminlink.Claims) { cl.Areas = []string{""} }),
		"too many areas": edit(func(cl *adminlink.Claims) { cl.Areas = make([]string, 33) }),
	}
	for name, cl := range tests {
		t.Run(name, func(t *testing.T) {
			_, _, err := l.Sign(ctx(t), cl)
			if p := problem.As(err); p.Kind != problem.Invalid {
				t.Fatalf("Sign = %v (%+v), want an Invalid problem", err, p)
			}
		})
	}
}

func TestLinkURL(t *testing.T) {
	c := testkit.NowClock()
	l := adminlink.NewLinks(testkit.Bolt(t), c.Now)
	for _, tt := range []struct{ public, prefix, want string }{
		{"https://app.example.com", "/_lockbox", "https://app.example.com/_lockbox/admin?token="},
		{"https://app.example.com/", "_lockbox/", "https://app.example.com/_lockbox/admin?token="},
		{"http://127.0.0.1:8080/sub", "/lb", "http://127.0.0.1:8080/sub/lb/admin?token="},
		{"https://app.example.com", "/", "https://app.example.com/admin?token="},
	} {
		u, signed, err := l.Link(ctx(t), tt.public, tt.prefix, claims(c))
		if err != nil || !strings.HasPrefix(u, tt.want) {
			t.Fatalf("Link(%q, %q) = %q, %v", tt.public, tt.prefix, u, err)
		}
		parsed, _ := url.Parse(u)
		got, err := l.Verify(ctx(t), parsed.Query().Get("token"))
		if err != nil || got.ID != signed.ID {
			t.Fatalf("the link's token: %+v, %v", got, err)
		}
	}
}

// TestInstancesAgreeOnTheKey has several instances create the key at
// once: one wins, and every instance verifies every other's links.
func TestInstancesAgreeOnTheKey(t *testing.T) {
	c := testkit.NowClock()
	st := testkit.Bolt(t)
	const n = 6
	links := make([]*adminlink.Links, n)
	tokens := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		links[i] = adminlink.NewLinks(st, c.Now)
		wg.Go(func() {
			raw, _, err := links[i].Sign(ctx(t), claims(c))
			if err != nil {
				t.Error(err)
			}
			tokens[i] = raw
		})
	}
	wg.Wait()
	for i, l := range links {
		for j, raw := range tokens {
			if _, err := l.Verify(ctx(t), raw); err != nil {
				t.Fatalf("instance %d refuses instance %d's link: %v", i, j, err)
			}
		}
	}
}

func TestKeyUnavailable(t *testing.T) {
	c := testkit.NowClock()
	st := testkit.Bolt(t)
	l := adminlink.NewLinks(st, c.Now)
	_ = st.Close()
	if _, _, err := l.Sign(ctx(t), claims(c)); problem.As(err).Code != "store_unavailable" {
		t.Fatalf("Sign with the store down = %v", err)
	}
	if _, err := l.Verify(ctx(t), "a.b.c"); problem.As(err).Code != "store_unavailable" {
		t.Fatalf("Verify with the store down = %v", err)
	}
}

func TestCorruptKeyIsAnError(t *testing.T) {
	c := testkit.NowClock()
	st := testkit.Bolt(t)
	if err := st.PutRecord(ctx(t), "keys", "adminlink", []byte("short"), 0); err != nil {
		t.Fatal(err)
	}
	_, _, err := adminlink.NewLinks(st, c.Now).Sign(ctx(t), claims(c))
	if err == nil || strings.Contains(err.Error(), "short") {
		t.Fatalf("Sign with a corrupt key = %v", err)
	}
	var _ store.Store = st
}
