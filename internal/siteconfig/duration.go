package siteconfig

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is a length of time in the config's JSON: integer
// nanoseconds, or a string such as "90m", "8h" or "7d" (a day is 24h).
// It reads what Caddy's own durations read, so the handler's JSON is
// unchanged; it is written as integer nanoseconds.
type Duration time.Duration

// UnmarshalJSON reads integer nanoseconds or a duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	if len(b) == 0 {
		return errors.New("empty duration")
	}
	var dur time.Duration
	var err error
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		dur, err = ParseDuration(strings.Trim(string(b), `"`))
	} else {
		err = json.Unmarshal(b, &dur)
	}
	*d = Duration(dur)
	return err
}

// ParseDuration parses a duration string as time.ParseDuration does,
// adding the unit d for 24 hours ("1d", "1.5d", "1d12h").
func ParseDuration(s string) (time.Duration, error) {
	if len(s) > 1024 {
		return 0, errors.New("parsing duration: input string too long")
	}
	inNumber, numStart := false, 0
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch == 'd' {
			days, err := strconv.ParseFloat(s[numStart:i], 64)
			if err != nil {
				return 0, err
			}
			s = s[:numStart] + strconv.FormatFloat(days*24, 'f', -1, 64) + "h" + s[i+1:]
			i--
			continue
		}
		if !inNumber {
			numStart = i
		}
		inNumber = (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '+'
	}
	return time.ParseDuration(s)
}

// ParsePositive parses a duration word of the Caddyfile, which must be
// positive: there, leaving a word out is how to ask for its default.
func ParsePositive(v string) (Duration, error) {
	d, err := ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("invalid duration %q: use a positive duration such as 30m, 8h or 1d", clip(v))
	}
	return Duration(d), nil
}
