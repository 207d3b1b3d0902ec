package grant

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/problem"
)

// ParseDuration reads a grant duration: whole days ("7d") or anything
// time.ParseDuration accepts ("36h", "90m").
func ParseDuration(s string) (time.Duration, error) {
	bad := problem.New(problem.Invalid, "invalid_duration", "invalid duration %q: use days like 7d, or hours and minutes like 36h or 90m", clip(s))
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 100000 {
			return 0, bad
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, bad
	}
	return d, nil
}

// FormatDuration prints whole days as "7d" and anything else as Go does.
func FormatDuration(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
