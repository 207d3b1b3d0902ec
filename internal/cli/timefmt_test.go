package cli

import (
	"testing"
	"time"
)

func TestSpan(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{45 * time.Second, "45s"},
		{5*time.Minute + 3*time.Second, "5m 3s"},
		{5 * time.Minute, "5m"},
		{3*time.Hour + 20*time.Minute + 10*time.Second, "3h 20m"},
		{7*day - time.Second, "7d"},
		{7*day - 30*time.Minute, "6d 23h"},
		{6*day + 4*time.Hour, "6d 4h"},
		{400 * day, "400d"},
		{-90 * time.Second, "1m 30s"},
	}
	for _, tt := range tests {
		if got := Span(tt.in); got != tt.want {
			t.Errorf("Span(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRelative(t *testing.T) {
	now := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	tests := []struct {
		at   time.Time
		want string
	}{
		{now.Add(7 * day), "in 7d"},
		{now.Add(-5 * time.Minute), "5m ago"},
		{now.Add(300 * time.Millisecond), "just now"},
		{now.Add(-999 * time.Millisecond), "just now"},
	}
	for _, tt := range tests {
		if got := Relative(tt.at, now); got != tt.want {
			t.Errorf("Relative(%v) = %q, want %q", tt.at.Sub(now), got, tt.want)
		}
	}
}

func TestAbsoluteIsUTC(t *testing.T) {
	at := time.Date(2026, 1, 2, 16, 4, 5, 0, time.FixedZone("CET", 3600))
	if got := Absolute(at); got != "2026-01-02 15:04 UTC" {
		t.Errorf("Absolute = %q", got)
	}
	if got := Timestamp(at); got != "2026-01-02 15:04:05 UTC" {
		t.Errorf("Timestamp = %q", got)
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{in: "", want: time.Time{}},
		{in: "24h", want: now.Add(-24 * time.Hour)},
		{in: "7d", want: now.Add(-7 * day)},
		{in: "2025-12-31T23:00:00+01:00", want: time.Date(2025, 12, 31, 22, 0, 0, 0, time.UTC)},
		{in: "0s", bad: true},
		{in: "yesterday", bad: true},
		{in: "2025-12-31", want: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)},
		{in: "31.12.2025", bad: true},
	}
	for _, tt := range tests {
		got, err := ParseSince(tt.in, now)
		if tt.bad {
			if !IsUsage(err) {
				t.Errorf("ParseSince(%q) = %v, %v; want a usage error", tt.in, got, err)
			}
			continue
		}
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ParseSince(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}
