package ratelimit_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/ratelimit"
	"github.com/lockbox-gw/lockbox/internal/redistest"
)

// twoGateways returns the limits of two gateways sharing srv's Redis.
func twoGateways(t *testing.T, srv *redistest.Server, c ratelimit.Config) (a, b *ratelimit.Limits) {
	t.Helper()
	a, b = ratelimit.New(c), ratelimit.New(c)
	a.Share(ratelimit.NewShared(srv.Client(t)))
	b.Share(ratelimit.NewShared(srv.Client(t)))
	return a, b
}

// TestSharedBudgetsSpanGateways: a client spreading its attempts over two
// gateways gets one budget, not one per gateway; other clients keep
// theirs; and Redis holds no client address or agent in its keys.
func TestSharedBudgetsSpanGateways(t *testing.T) {
	srv := redistest.Start(t)
	a, b := twoGateways(t, srv, ratelimit.Config{Login: ratelimit.Rate{Events: 3, Per: time.Hour}, Requests: ratelimit.Rate{Events: 2, Per: time.Hour}})

	for i, l := range []*ratelimit.Limits{a, b, a} {
		if ok, _ := l.Login.Allow(bg, "192.0.2.7"); !ok {
			t.Fatalf("login %d refused", i+1)
		}
	}
	for _, l := range []*ratelimit.Limits{b, a} {
		ok, wait := l.Login.Allow(bg, "192.0.2.7")
		if ok || wait < 19*time.Minute || wait > 20*time.Minute {
			t.Fatalf("fourth login: allowed %v, wait %s; want refused for about 20m", ok, wait)
		}
	}
	if ok, _ := b.Login.Allow(bg, "192.0.2.8"); !ok {
		t.Fatal("another client was refused")
	}

	// Wait spends nothing and sees what the other gateway spent.
	agent := "https://idp.example alice"
	if w := b.Requests.Wait(bg, agent); w != 0 {
		t.Fatalf("Wait before any request = %s", w)
	}
	a.Requests.Allow(bg, agent)
	if w := b.Requests.Wait(bg, agent); w != 0 {
		t.Fatalf("Wait with one request left = %s", w)
	}
	b.Requests.Allow(bg, agent)
	for _, l := range []*ratelimit.Limits{a, b} {
		if w := l.Requests.Wait(bg, agent); w < 29*time.Minute || w > 30*time.Minute {
			t.Fatalf("Wait after the two requests of the hour = %s; want about 30m", w)
		}
	}

	keys, err := srv.Client(t).Keys(bg, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 3 {
		t.Fatalf("keys %v; want the budgets of two clients and one agent", keys)
	}
	for _, k := range keys {
		if !strings.HasPrefix(k, "rate:lockbox:") || strings.Contains(k, "192.0.2") || strings.Contains(k, "alice") {
			t.Fatalf("key %q", k)
		}
	}
}

// TestSharedBudgetFallsBackOnTheProcess: while Redis is down each gateway
// limits on its own, remembering what it spent before.
func TestSharedBudgetFallsBackOnTheProcess(t *testing.T) {
	srv := redistest.Start(t)
	a, _ := twoGateways(t, srv, ratelimit.Config{APIFailures: ratelimit.Rate{Events: 2, Per: time.Hour}})
	r := httptest.NewRequest("GET", "/", nil)
	key := a.ClientKey(r)
	a.APIFailures.Allow(bg, key)
	srv.Stop()
	if w := a.APIFailures.Wait(bg, key); w != 0 {
		t.Fatalf("Wait with one failure left, Redis down = %s", w)
	}
	if ok, _ := a.APIFailures.Allow(bg, key); !ok {
		t.Fatal("second failure refused")
	}
	if ok, wait := a.APIFailures.Allow(bg, key); ok || wait == 0 {
		t.Fatal("third failure allowed while Redis is down")
	}
	if w := a.APIFailures.Wait(bg, key); w == 0 {
		t.Fatal("Wait = 0 after the budget was spent while Redis is down")
	}
}
