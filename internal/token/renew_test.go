package token_test

import (
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// gatedClock reads clk, but while armed holds each reading until n
// goroutines are reading, so they reach Token's renewal check together.
type gatedClock struct {
	clk     *testkit.Clock
	mu      sync.Mutex
	waiting int
	open    chan struct{}
}

func (g *gatedClock) arm(n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.waiting, g.open = n, make(chan struct{})
}

func (g *gatedClock) Now() time.Time {
	g.mu.Lock()
	open := g.open
	if open != nil {
		if g.waiting--; g.waiting == 0 {
			close(open)
			g.open = nil
		}
	}
	g.mu.Unlock()
	if open != nil {
		<-open
	}
	return g.clk.Now()
}

// TestRenewalSignsOnce sends bursts of concurrent requests for one
// session just as its token falls due: each burst must sign one token.
// A burst without the shared renewal may still sign once by chance (when
// one request finishes before the others look), so several bursts run.
func TestRenewalSignsOnce(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs two threads for the requests to overlap")
	}
	const n, bursts = 32, 100
	clk := newClock()
	gate := &gatedClock{clk: clk}
	m, err := token.NewMinter(loadedKeys(t, testkit.Bolt(t), clk), token.MinterConfig{Issuer: testIssuer, Audience: testAudience}, gate.Now)
	if err != nil {
		t.Fatal(err)
	}
	sess := session(clk.Now())
	sess.EndsAt = clk.Now().Add(24 * time.Hour) // outlives every burst
	prev, _ := mustToken(t, m, sess)
	for burst := range bursts {
		clk.Add(4 * time.Minute) // past 80% of the lifetime: due for renewal
		signed := burstTokens(t, m, gate, sess, n)
		if signed[prev] {
			t.Fatalf("burst %d: a request got the token due for renewal", burst)
		}
		if len(signed) != 1 {
			t.Fatalf("burst %d: %d concurrent requests at renewal time signed %d tokens, want 1", burst, n, len(signed))
		}
		for raw := range signed {
			prev = raw
		}
	}
}

// burstTokens asks for sess's token from n goroutines at once and
// returns the set of tokens they got.
func burstTokens(t *testing.T, m *token.Minter, gate *gatedClock, sess store.Session, n int) map[string]bool {
	t.Helper()
	gate.arm(n)
	raws := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { raws[i], _, errs[i] = m.Token(sess) })
	}
	wg.Wait()
	signed := map[string]bool{}
	for i, raw := range raws {
		if errs[i] != nil {
			t.Fatalf("Token: %v", errs[i])
		}
		signed[raw] = true
	}
	return signed
}
