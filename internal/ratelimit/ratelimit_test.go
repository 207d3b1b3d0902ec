package ratelimit_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/ratelimit"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// bg is the context of the buckets' calls.
var bg = context.Background()

// newClock is a clock the tests move by hand.
func newClock() *testkit.Clock { return testkit.NewClock(time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)) }

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want ratelimit.Rate
		bad  string
	}{
		{in: "10/m", want: ratelimit.Rate{Events: 10, Per: time.Minute}},
		{in: "30/1m", want: ratelimit.Rate{Events: 30, Per: time.Minute}},
		{in: "5/h", want: ratelimit.Rate{Events: 5, Per: time.Hour}},
		{in: "100/10s", want: ratelimit.Rate{Events: 100, Per: 10 * time.Second}},
		{in: "20/d", want: ratelimit.Rate{Events: 20, Per: 24 * time.Hour}},
		{in: "1/1d", want: ratelimit.Rate{Events: 1, Per: 24 * time.Hour}},
		{in: "3/90m", want: ratelimit.Rate{Events: 3, Per: 90 * time.Minute}},
		{in: "1000000/s", want: ratelimit.Rate{Events: 1_000_000, Per: time.Second}},
		{in: "10", bad: "must be <events>/<period>"},
		{in: "", bad: "must be <events>/<period>"},
		{in: "0/m", bad: "from 1 to"},
		{in: "-1/m", bad: "from 1 to"},
		{in: "1.5/m", bad: "from 1 to"},
		{in: "ten/m", bad: "from 1 to"},
		{in: "1000001/s", bad: "from 1 to"},
		{in: "10/", bad: "period from 1s to 24h"},
		{in: "10/minute", bad: "period from 1s to 24h"},
		{in: "10/0s", bad: "period from 1s to 24h"},
		{in: "10/-1m", bad: "period from 1s to 24h"},
		{in: "10/500ms", bad: "period from 1s to 24h"},
		{in: "10/2d", bad: "period from 1s to 24h"},
		{in: "10/m/s", bad: "period from 1s to 24h"},
	}
	for _, tt := range tests {
		got, err := ratelimit.Parse(tt.in)
		switch {
		case tt.bad == "" && (err != nil || got != tt.want):
			t.Errorf("Parse(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		case tt.bad != "" && (err == nil || !strings.Contains(err.Error(), tt.bad)):
			t.Errorf("Parse(%q) = %v, %v; want an error about %q", tt.in, got, err, tt.bad)
		}
	}
}

func TestKeyedBurstThenRefill(t *testing.T) {
	c := newClock()
	k := ratelimit.NewKeyed(ratelimit.Rate{Events: 5, Per: time.Hour}, 0, c.Now)
	for i := range 5 {
		if ok, _ := k.Allow(bg, "bob"); !ok {
			t.Fatalf("event %d refused", i+1)
		}
	}
	ok, wait := k.Allow(bg, "bob")
	if ok || wait != 12*time.Minute {
		t.Fatalf("sixth event: %v, wait %s; want refused, 12m", ok, wait)
	}
	if ok, _ := k.Allow(bg, "ann"); !ok {
		t.Fatal("another key was refused")
	}
	if w := k.Wait(bg, "bob"); w != 12*time.Minute {
		t.Fatalf("Wait = %s, want 12m", w)
	}
	c.Add(12*time.Minute - time.Second)
	if ok, _ := k.Allow(bg, "bob"); ok {
		t.Fatal("allowed a second early")
	}
	c.Add(time.Second)
	if w := k.Wait(bg, "bob"); w != 0 {
		t.Fatalf("Wait = %s once refilled, want 0", w)
	}
	if ok, _ := k.Allow(bg, "bob"); !ok {
		t.Fatal("refused once refilled")
	}
	if ok, _ := k.Allow(bg, "bob"); ok {
		t.Fatal("one token refilled, two spent")
	}
}

func TestKeyedWaitSpendsNothing(t *testing.T) {
	k := ratelimit.NewKeyed(ratelimit.Rate{Events: 1, Per: time.Minute}, 0, newClock().Now)
	for range 3 {
		if w := k.Wait(bg, "x"); w != 0 {
			t.Fatalf("Wait = %s for a fresh key", w)
		}
	}
	if k.Len() != 0 {
		t.Fatalf("Wait made %d entries", k.Len())
	}
	if ok, _ := k.Allow(bg, "x"); !ok {
		t.Fatal("refused after Wait")
	}
}

// TestKeyedIsBounded: a flood of distinct keys never holds more than max
// entries, and keys idle for a whole period are dropped first.
func TestKeyedIsBounded(t *testing.T) {
	c := newClock()
	k := ratelimit.NewKeyed(ratelimit.Rate{Events: 1, Per: time.Minute}, 100, c.Now)
	for i := range 10_000 {
		k.Allow(bg, fmt.Sprintf("10.0.%d.%d", i/256, i%256))
		if k.Len() > 100 {
			t.Fatalf("%d keys tracked, max 100", k.Len())
		}
	}
	c.Add(time.Minute)
	k.Allow(bg, "new")
	if k.Len() != 1 {
		t.Fatalf("%d keys after a whole idle period, want only the new one", k.Len())
	}
}

// TestKeyedEvictsLeastRecentlyUsed: when full, the key used least
// recently goes, not one in active use.
func TestKeyedEvictsLeastRecentlyUsed(t *testing.T) {
	c := newClock()
	k := ratelimit.NewKeyed(ratelimit.Rate{Events: 1, Per: time.Hour}, 3, c.Now)
	k.Allow(bg, "attacker") // spent
	k.Allow(bg, "b")
	k.Allow(bg, "c")
	if ok, _ := k.Allow(bg, "attacker"); ok {
		t.Fatal("second event allowed")
	}
	k.Allow(bg, "d") // evicts b
	if ok, _ := k.Allow(bg, "attacker"); ok {
		t.Fatal("the key in use was evicted")
	}
	if ok, _ := k.Allow(bg, "b"); !ok {
		t.Fatal("b was not evicted")
	}
}

func TestPassCountsHeldLines(t *testing.T) {
	c := newClock()
	k := ratelimit.NewKeyed(ratelimit.Rate{Events: 2, Per: time.Minute}, 0, c.Now)
	for i, want := range []bool{true, true, false, false, false} {
		if ok, _ := k.Pass("ip"); ok != want {
			t.Fatalf("line %d: %v, want %v", i+1, ok, want)
		}
	}
	c.Add(30 * time.Second)
	if ok, held := k.Pass("ip"); !ok || held != 3 {
		t.Fatalf("Pass = %v, %d; want true, 3 held back", ok, held)
	}
	c.Add(30 * time.Second)
	if ok, held := k.Pass("ip"); !ok || held != 0 {
		t.Fatalf("Pass = %v, %d; want true, 0", ok, held)
	}
}

func TestClientKey(t *testing.T) {
	tests := []struct{ addr, want string }{
		{"203.0.113.7", "203.0.113.7"},
		{"::ffff:203.0.113.7", "203.0.113.7"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"::1", "::/64"},
		{"not an address", "not an address"},
	}
	for _, tt := range tests {
		if got := ratelimit.ClientKey(tt.addr); got != tt.want {
			t.Errorf("ClientKey(%q) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	for _, tt := range []struct {
		wait time.Duration
		want string
	}{{0, "1"}, {time.Millisecond, "1"}, {time.Second, "1"}, {1500 * time.Millisecond, "2"}, {12 * time.Minute, "720"}} {
		h := http.Header{}
		ratelimit.RetryAfter(h, tt.wait)
		if got := h.Get("Retry-After"); got != tt.want {
			t.Errorf("RetryAfter(%s) = %q, want %q", tt.wait, got, tt.want)
		}
	}
}

func TestLimitsDefaultsAndClient(t *testing.T) {
	l := ratelimit.New(ratelimit.Config{Login: ratelimit.Rate{Events: 3, Per: time.Minute}})
	if l.APIFailures.Rate() != ratelimit.DefaultAPIFailures || l.Requests.Rate() != ratelimit.DefaultRequests {
		t.Fatalf("defaults not applied: %v %v", l.APIFailures.Rate(), l.Requests.Rate())
	}
	if l.Login.Rate().Events != 3 {
		t.Fatalf("login rate %v", l.Login.Rate())
	}
	r, _ := http.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "[2001:db8::9]:4431"
	if got := l.Client(r); got != "2001:db8::9" {
		t.Fatalf("Client = %q", got)
	}
	if got := l.ClientKey(r); got != "2001:db8::/64" {
		t.Fatalf("ClientKey = %q", got)
	}
}

func TestLogPass(t *testing.T) {
	r, _ := http.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "203.0.113.7:4431"
	var none *ratelimit.Limits
	if client, held, ok := none.LogPass(r); !ok || held != 0 || client != "203.0.113.7" {
		t.Fatalf("LogPass without limits = %q, %d, %v; want the remote host, 0, true", client, held, ok)
	}
	c := newClock()
	l := ratelimit.New(ratelimit.Config{Now: c.Now, Client: func(*http.Request) string { return "198.51.100.1" }})
	for i := range ratelimit.LogLines.Events {
		if client, _, ok := l.LogPass(r); !ok || client != "198.51.100.1" {
			t.Fatalf("line %d: %q, %v; want the configured client, true", i+1, client, ok)
		}
	}
	if _, _, ok := l.LogPass(r); ok {
		t.Fatal("a line past LogLines passed")
	}
	c.Add(ratelimit.LogLines.Per)
	if _, held, ok := l.LogPass(r); !ok || held != 1 {
		t.Fatalf("LogPass after a period = %d, %v; want 1 held back, true", held, ok)
	}
}
