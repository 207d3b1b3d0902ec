// Package ratelimit keeps per-key token buckets (golang.org/x/time/rate)
// for the limits Lockbox puts on failed API keys, logins and access
// requests, in a bounded map, so a flood of distinct clients cannot grow
// memory without bound. On a Redis store the budgets are shared by every
// gateway (Shared), and the buckets here decide only while Redis fails.
package ratelimit

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Bounds of a Rate.
const (
	MaxEvents = 1_000_000
	MinPer    = time.Second
	MaxPer    = 24 * time.Hour
)

// Rate allows Events per Per, all of them at once at most: a bucket of
// Events tokens that refills evenly over Per.
type Rate struct {
	Events int
	Per    time.Duration
}

// IsZero reports whether r is unset.
func (r Rate) IsZero() bool { return r == Rate{} }

// String returns r as Parse reads it, such as "10/1m0s".
func (r Rate) String() string { return strconv.Itoa(r.Events) + "/" + r.Per.String() }

// perSecond is r's refill rate.
func (r Rate) perSecond() float64 { return float64(r.Events) / r.Per.Seconds() }

// Parse reads "<events>/<period>", such as 10/m, 30/1m, 5/h, 100/10s or
// 20/d. The period is s, m, h or d, or a duration such as 10m or 2d. Zero
// events or a period outside 1s to 24h is an error: a limit that blocks
// everything or nothing is never what was meant.
func Parse(s string) (Rate, error) {
	n, per, ok := strings.Cut(s, "/")
	if !ok {
		return Rate{}, fmt.Errorf("rate %q must be <events>/<period>, such as 10/m or 5/h", clip(s))
	}
	events, err := strconv.Atoi(n)
	if err != nil || events < 1 || events > MaxEvents {
		return Rate{}, fmt.Errorf("rate %q must allow a whole number of events from 1 to %d", clip(s), MaxEvents)
	}
	d, err := parsePeriod(per)
	if err != nil || d < MinPer || d > MaxPer {
		return Rate{}, fmt.Errorf("rate %q needs a period from 1s to 24h: s, m, h, d or a duration such as 10m", clip(s))
	}
	return Rate{Events: events, Per: d}, nil
}

// parsePeriod reads s, m, h, d, a Go duration, or whole days such as 1d.
func parsePeriod(p string) (time.Duration, error) {
	switch p {
	case "s", "m", "h", "d":
		p = "1" + p
	}
	if days, ok := strings.CutSuffix(p, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, err
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(p)
}

// clip shortens a configured value for a message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
