package caddymodule_test

import (
	"bufio"
	"context"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/lockbox-gw/lockbox/internal/policy"
)

// Lockbox matches deny rules and areas with its own copy of Caddy's path
// matcher semantics (internal/ imports no Caddy); these tests hold the
// copy to the original.

// pathMatchCorpus reads testdata/pathmatch.txt: pattern and path pairs.
func pathMatchCorpus(t testing.TB) [][2]string {
	t.Helper()
	f, err := os.Open("testdata/pathmatch.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var pairs [][2]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 2 {
			t.Fatalf("corpus line %q: want a pattern and a path", line)
		}
		pairs = append(pairs, [2]string{fields[0], fields[1]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return pairs
}

// caddyMatches runs Caddy's own path matcher.
func caddyMatches(t testing.TB, pattern, path string) bool {
	t.Helper()
	m := caddyhttp.MatchPath{pattern}
	if err := m.Provision(caddy.Context{}); err != nil {
		t.Fatalf("caddy refused pattern %q: %v", pattern, err)
	}
	ctx := context.WithValue(context.Background(), caddy.ReplacerCtxKey, caddy.NewReplacer())
	r := (&http.Request{Method: http.MethodGet, URL: &url.URL{Path: path}}).WithContext(ctx)
	ok, err := m.MatchWithError(r)
	if err != nil {
		t.Fatalf("caddy matching %q against %q: %v", pattern, path, err)
	}
	return ok
}

// comparable reports whether Lockbox would ever match pattern against
// path: the pattern is a valid rule and the path passes CheckPath.
func comparable(pattern, path string) bool {
	if _, err := policy.ParseRule("*", pattern); err != nil {
		return false
	}
	clean, err := policy.CheckPath("", path)
	return err == nil && clean == path
}

// checkAgrees fails t if a deny rule or an area with pattern decides
// path differently from Caddy's matcher, and returns Caddy's decision.
func checkAgrees(t testing.TB, pattern, path string) bool {
	t.Helper()
	want := caddyMatches(t, pattern, path)
	_, denied := policy.Rules{{Method: "*", Pattern: pattern}}.Match(http.MethodGet, path)
	inArea := policy.Areas{"area": {pattern}}.InAreas(path, []string{"area"})
	if denied != want || inArea != want {
		t.Errorf("pattern %q, path %q: caddy matches %v, deny rule %v, area %v", pattern, path, want, denied, inArea)
	}
	return want
}

func TestPathMatchCorpus(t *testing.T) {
	for _, pair := range pathMatchCorpus(t) {
		if !comparable(pair[0], pair[1]) {
			t.Errorf("corpus pair %q %q: not a valid pattern and clean path", pair[0], pair[1])
			continue
		}
		checkAgrees(t, pair[0], pair[1])
	}
}

// TestPathMatchRandom compares random patterns and paths built from a
// small alphabet, so that stars, slashes and letters meet often.
func TestPathMatchRandom(t *testing.T) {
	const pairs = 20_000
	rng := rand.New(rand.NewPCG(12, 2026))
	compared, matched := 0, 0
	for range pairs * 10 {
		if compared == pairs {
			break
		}
		pattern := randomString(rng, "*/*/ab.-éA", 1+rng.IntN(8))
		if rng.IntN(2) == 0 {
			pattern = "/" + pattern
		}
		path := "/" + randomString(rng, "/ab.-éÉB", rng.IntN(10))
		if !comparable(pattern, path) {
			continue
		}
		compared++
		if checkAgrees(t, pattern, path) {
			matched++
		}
	}
	if compared < pairs {
		t.Fatalf("compared only %d pairs, want %d", compared, pairs)
	}
	// Both answers must be common, or the comparison proves little.
	if matched < pairs/20 || matched > pairs-pairs/20 {
		t.Fatalf("%d of %d pairs match; the generator needs rebalancing", matched, pairs)
	}
	t.Logf("%d pairs compared, %d matching", compared, matched)
}

// randomString returns n runes drawn from alphabet.
func randomString(rng *rand.Rand, alphabet string, n int) string {
	runes := []rune(alphabet)
	var b strings.Builder
	for range n {
		b.WriteRune(runes[rng.IntN(len(runes))])
	}
	return b.String()
}

func FuzzPathMatch(f *testing.F) {
	for _, pair := range pathMatchCorpus(f) {
		f.Add(pair[0], pair[1])
	}
	f.Fuzz(func(t *testing.T, pattern, path string) {
		if !comparable(pattern, path) {
			t.Skip()
		}
		checkAgrees(t, pattern, path)
	})
}
