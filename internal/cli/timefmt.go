package cli

import (
	"fmt"
	"time"

	"github.com/lockbox-gw/lockbox/internal/grant"
)

// Time layouts. Times are shown in UTC so that output from servers and
// laptops in different zones agrees.
const (
	minuteLayout = "2006-01-02 15:04 UTC"
	secondLayout = "2006-01-02 15:04:05 UTC"
	day          = 24 * time.Hour
)

// Absolute formats t to the minute, in UTC: "2026-01-09 15:04 UTC".
func Absolute(t time.Time) string { return t.UTC().Format(minuteLayout) }

// Timestamp formats t to the second, in UTC: "2026-01-09 15:04:05 UTC".
func Timestamp(t time.Time) string { return t.UTC().Format(secondLayout) }

// Relative formats t as seen at now: "in 6d 23h", "5m ago", "just now".
func Relative(t, now time.Time) string {
	d := t.Sub(now)
	switch {
	case d >= time.Second:
		return "in " + Span(d)
	case d <= -time.Second:
		return Span(-d) + " ago"
	}
	return "just now"
}

// Span formats a duration with its two largest units, rounded so that a
// grant of 7d seen a moment later still reads "7d" rather than "6d 23h":
// "7d", "6d 4h", "3h 20m", "5m 3s", "45s". Negative spans format as their
// size.
func Span(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Round(time.Second)
	if d >= time.Hour {
		d = d.Round(time.Minute)
	}
	switch {
	case d >= day:
		return pair(d/day, "d", (d%day)/time.Hour, "h")
	case d >= time.Hour:
		return pair(d/time.Hour, "h", (d%time.Hour)/time.Minute, "m")
	case d >= time.Minute:
		return pair(d/time.Minute, "m", (d%time.Minute)/time.Second, "s")
	}
	return fmt.Sprintf("%ds", d/time.Second)
}

// pair prints "<a><au> <b><bu>", leaving out a zero b.
func pair(a time.Duration, au string, b time.Duration, bu string) string {
	if b == 0 {
		return fmt.Sprintf("%d%s", a, au)
	}
	return fmt.Sprintf("%d%s %d%s", a, au, b, bu)
}

// ParseSince reads --since: an RFC 3339 time, a date (midnight UTC), or a
// duration back from now such as 24h, 90m or 7d. Empty means no bound (the
// zero time).
func ParseSince(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	d, err := grant.ParseDuration(s)
	if err != nil || d <= 0 {
		return time.Time{}, Usagef("invalid --since %q: use a time like 2025-01-02T15:04:05Z, a date like 2025-01-02, or a duration back from now like 24h or 7d", OneLine(s, 40))
	}
	return now.Add(-d), nil
}
