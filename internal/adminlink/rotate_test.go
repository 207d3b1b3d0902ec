package adminlink_test

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// kidOf is the kid in a token's header.
func kidOf(t *testing.T, raw string) string {
	t.Helper()
	tok, _, err := jwt.NewParser().ParseUnverified(raw, jwt.MapClaims{})
	if err != nil {
		t.Fatal(err)
	}
	kid, _ := tok.Header["kid"].(string)
	return kid
}

// forge signs a link for acme's u_1 with secret, as only a holder of the
// key could; kid "" leaves the header without one.
func forge(t *testing.T, secret []byte, kid string, iat, exp time.Time) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"tenant": "acme", "role": "owner", "sub": "u_1", "aud": adminlink.Audience,
		"iat": iat.Unix(), "exp": exp.Unix(), "jti": rand.Text(),
	})
	tok.Header["typ"] = adminlink.TokenType
	if kid != "" {
		tok.Header["kid"] = kid
	}
	raw, err := tok.SignedString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestRotationKeepsOldLinksUntilTheyExpire(t *testing.T) {
	c := testkit.NowClock()
	st := testkit.Bolt(t)
	l := adminlink.NewLinks(st, c.Now)
	day, _ := sign(t, l, claims(c))
	long := claims(c)
	long.ExpiresAt = c.Now().Add(adminlink.MaxTTL)
	month, _ := sign(t, l, long)
	oldKid, oldSecret := storedKey(t, st, 0)

	rotatedAt := c.Now()
	kid, until, err := l.Rotate(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if kid == oldKid || kid == "" || !until.Equal(rotatedAt.Add(adminlink.RetiredKeyKept)) {
		t.Fatalf("Rotate = %q, %v; the old key was %q", kid, until, oldKid)
	}
	fresh, _ := sign(t, l, claims(c))
	if kidOf(t, fresh) != kid || kidOf(t, day) != oldKid {
		t.Fatalf("kids: new link %q, old link %q", kidOf(t, fresh), kidOf(t, day))
	}
	for _, raw := range []string{day, month, fresh} {
		if _, err := l.Verify(ctx(t), raw); err != nil {
			t.Fatalf("after the rotation: %v", err)
		}
	}

	c.Add(24 * time.Hour)
	if _, err := l.Verify(ctx(t), day); !errors.Is(err, adminlink.ErrExpired) {
		t.Fatalf("the old key's day-long link a day later: %v", err)
	}
	c.Add(adminlink.MaxTTL - 24*time.Hour - time.Second)
	if _, err := l.Verify(ctx(t), month); err != nil {
		t.Fatalf("the old key's month-long link before its end: %v", err)
	}
	c.Add(time.Second)
	if _, err := l.Verify(ctx(t), month); !errors.Is(err, adminlink.ErrExpired) {
		t.Fatalf("the old key's month-long link at its end: %v", err)
	}
	// Once no link it signed can be alive, the old key opens nothing,
	// even a link signed with it just now.
	if _, err := l.Verify(ctx(t), forge(t, oldSecret, oldKid, c.Now(), c.Now().Add(time.Hour))); err != nil {
		t.Fatalf("the old key within its time: %v", err)
	}
	c.Add(adminlink.RetiredKeyKept - adminlink.MaxTTL)
	if _, err := l.Verify(ctx(t), forge(t, oldSecret, oldKid, c.Now(), c.Now().Add(time.Hour))); !errors.Is(err, adminlink.ErrInvalid) {
		t.Fatalf("the old key after its time: %v", err)
	}
	// The next rotation drops it from the store.
	if _, _, err := l.Rotate(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if k0, _ := storedKey(t, st, 0); k0 == kid {
		t.Fatal("the second rotation kept the signing key")
	}
	if k1, _ := storedKey(t, st, 1); k1 != kid {
		t.Fatalf("the retired key is %q, want %q", k1, kid)
	}
	if n := storedKeyCount(t, st); n != 2 {
		t.Fatalf("%d keys stored, want the signing key and the one it retired", n)
	}
}

func TestARotationReachesTheOtherInstance(t *testing.T) {
	c := testkit.NowClock()
	st := testkit.Bolt(t)
	a, b := adminlink.NewLinks(st, c.Now), adminlink.NewLinks(st, c.Now)
	before, _ := sign(t, b, claims(c)) // b has read the keys
	kid, _, err := a.Rotate(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	fresh, _ := sign(t, a, claims(c))
	if _, err := b.Verify(ctx(t), fresh); err != nil {
		t.Fatalf("the other instance refuses a link of the new key: %v", err)
	}
	if _, err := a.Verify(ctx(t), before); err != nil {
		t.Fatalf("a link signed before the rotation: %v", err)
	}
	c.Add(time.Minute)
	if raw, _ := sign(t, b, claims(c)); kidOf(t, raw) != kid {
		t.Fatal("a minute after the rotation the other instance still signs with the old key")
	}
}

// TestLinksOfTheSingleKeyKeepOpening: the store of an earlier version
// holds one raw key, and its links carry no kid.
func TestLinksOfTheSingleKeyKeepOpening(t *testing.T) {
	c := testkit.NowClock()
	st := testkit.Bolt(t)
	legacy := make([]byte, 32)
	_, _ = rand.Read(legacy)
	if err := st.PutRecord(ctx(t), "keys", "adminlink", legacy, 0); err != nil {
		t.Fatal(err)
	}
	l := adminlink.NewLinks(st, c.Now)
	old := forge(t, legacy, "", c.Now(), c.Now().Add(24*time.Hour))
	if _, err := l.Verify(ctx(t), old); err != nil {
		t.Fatalf("a link of the single key: %v", err)
	}
	if _, _, err := l.Rotate(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Verify(ctx(t), old); err != nil {
		t.Fatalf("a link of the single key after a rotation: %v", err)
	}
	c.Add(adminlink.RetiredKeyKept)
	if _, err := l.Verify(ctx(t), forge(t, legacy, "", c.Now(), c.Now().Add(time.Hour))); !errors.Is(err, adminlink.ErrInvalid) {
		t.Fatalf("the single key after its time: %v", err)
	}
}

func TestLinkKeyFile(t *testing.T) {
	c := testkit.NowClock()
	st := testkit.Bolt(t)
	first, second := randomKey(), randomKey()
	path := writeFile(t, "# link keys\n\n"+base64.StdEncoding.EncodeToString(first)+"\n"+base64.RawURLEncoding.EncodeToString(second)+"\n")
	l := adminlink.NewLinks(st, c.Now)
	if err := l.UseKeyFile(path); err != nil {
		t.Fatal(err)
	}
	ss := adminlink.NewSessions(st, l, 0, c.Now)
	raw, _ := sign(t, l, claims(c))
	e := &sessEnv{t: t}
	if _, _, err := ss.Open(ctx(t), httptest.NewRecorder(), e.linkRequest("127.0.0.1", false, raw, "")); err != nil {
		t.Fatalf("a link of the file's key: %v", err)
	}
	if _, err := l.Verify(ctx(t), forge(t, first, kidOf(t, raw), c.Now(), c.Now().Add(time.Hour))); err != nil {
		t.Fatalf("the first key: %v", err)
	}
	if _, err := l.Verify(ctx(t), forge(t, second, fileKid(t, second), c.Now(), c.Now().Add(time.Hour))); err != nil {
		t.Fatalf("the second key: %v", err)
	}
	if _, err := st.GetRecord(ctx(t), "keys", "adminlink"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("with a key file, a key record exists: %v", err)
	}
	if _, _, err := l.Rotate(ctx(t)); !errors.Is(err, adminlink.ErrFixedKey) {
		t.Fatalf("Rotate with a key file = %v", err)
	}
	if _, err := st.GetRecord(ctx(t), "keys", "adminlink"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a refused rotation wrote a key record: %v", err)
	}
}

func TestBadLinkKeyFiles(t *testing.T) {
	secret := "c2VjcmV0LWtleS10aGF0LWlzLXRvby1zaG9ydA==" // 28 bytes
	good := base64.StdEncoding.EncodeToString(randomKey())
	tests := map[string]struct{ content, want string }{
		"empty":         {"", "no key found"},
		"only comments": {"# nothing\n\n", "no key found"},
		"short key":     {secret + "\n", "line 1: a key must be 32 to 512 bytes; this one is 28"},
		"not base64":    {good + "\nhunter2-is-my-password!\n", "line 2: not base64"},
		"repeated key":  {good + "\n" + good + "\n", "line 2 repeats an earlier key"},
		"huge line":     {strings.Repeat("A", 70000), "larger than"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			err := adminlink.NewLinks(testkit.Bolt(t), nil).UseKeyFile(writeFile(t, tt.content))
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), secret[:10]) {
				t.Fatalf("UseKeyFile = %v, want %q", err, tt.want)
			}
		})
	}
	if err := adminlink.NewLinks(testkit.Bolt(t), nil).UseKeyFile(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("a missing file is accepted")
	}
}

func randomKey() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return b
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "links.key")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// fileKid is the kid of links signed with secret from a key file.
func fileKid(t *testing.T, secret []byte) string {
	t.Helper()
	l := adminlink.NewLinks(testkit.Bolt(t), nil)
	if err := l.UseKeyFile(writeFile(t, base64.StdEncoding.EncodeToString(secret))); err != nil {
		t.Fatal(err)
	}
	raw, _ := sign(t, l, claims(testkit.NowClock()))
	return kidOf(t, raw)
}

// storedKeyCount is how many link keys the store holds.
func storedKeyCount(t *testing.T, st store.Store) int {
	t.Helper()
	raw, err := st.GetRecord(ctx(t), "keys", "adminlink")
	if err != nil {
		t.Fatal(err)
	}
	var set struct{ Keys []json.RawMessage }
	if err := json.Unmarshal(raw, &set); err != nil {
		t.Fatal(err)
	}
	return len(set.Keys)
}
