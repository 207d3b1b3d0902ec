package backoff_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/lockbox-gw/lockbox/internal/backoff"
)

func TestDelayGrowsToCapWithJitter(t *testing.T) {
	p := backoff.Policy{Base: 100 * time.Millisecond, Cap: 5 * time.Second}
	tests := []struct {
		name    string
		attempt int
		ceiling time.Duration
	}{
		{name: "first retry", attempt: 0, ceiling: 100 * time.Millisecond},
		{name: "doubles", attempt: 1, ceiling: 200 * time.Millisecond},
		{name: "doubles again", attempt: 3, ceiling: 800 * time.Millisecond},
		{name: "capped", attempt: 6, ceiling: 5 * time.Second},
		{name: "far past the cap", attempt: 1 << 20, ceiling: 5 * time.Second},
		{name: "negative attempt is the first", attempt: -3, ceiling: 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := map[time.Duration]bool{}
			for range 200 {
				d := p.Delay(tt.attempt)
				if d < tt.ceiling/2 || d > tt.ceiling {
					t.Fatalf("Delay(%d) = %v, want within [%v, %v]", tt.attempt, d, tt.ceiling/2, tt.ceiling)
				}
				seen[d] = true
			}
			if len(seen) < 2 {
				t.Errorf("Delay(%d) gave one value in 200 draws: no jitter", tt.attempt)
			}
		})
	}
}

func TestDelayOfZeroPolicy(t *testing.T) {
	if d := (backoff.Policy{}).Delay(5); d != 0 {
		t.Errorf("zero policy Delay = %v, want 0", d)
	}
}

func TestBackoffResets(t *testing.T) {
	b := backoff.New(time.Second, time.Minute)
	for range 10 {
		b.Next()
	}
	if d := b.Next(); d < 30*time.Second {
		t.Fatalf("after 10 failures Next = %v, want near the cap", d)
	}
	b.Reset()
	if d := b.Next(); d > time.Second {
		t.Errorf("after Reset Next = %v, want at most the base", d)
	}
}

// TestWait runs in a synctest bubble: the fake clock shows Wait waits
// exactly d, and returns at once when ctx ends first.
func TestWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		if err := backoff.Wait(t.Context(), 3*time.Second); err != nil {
			t.Fatalf("Wait: %v", err)
		}
		if got := time.Since(start); got != 3*time.Second {
			t.Errorf("Wait took %v, want 3s", got)
		}

		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		start = time.Now()
		if err := backoff.Wait(ctx, time.Hour); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Wait past ctx = %v, want deadline exceeded", err)
		}
		if got := time.Since(start); got != time.Second {
			t.Errorf("cancelled Wait took %v, want 1s", got)
		}
	})
}
