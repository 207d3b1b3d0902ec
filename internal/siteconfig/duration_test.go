package siteconfig

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestDurationJSON(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{in: `300000000000`, want: 5 * time.Minute},
		{in: `"90m"`, want: 90 * time.Minute},
		{in: `"7d"`, want: 7 * 24 * time.Hour},
		{in: `"1.5d"`, want: 36 * time.Hour},
		{in: `"1d12h"`, want: 36 * time.Hour},
		{in: `"soon"`, err: `invalid duration "soon"`},
		{in: `true`, err: "cannot unmarshal"},
	}
	for _, tt := range tests {
		var d Duration
		err := json.Unmarshal([]byte(tt.in), &d)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s: error %v; want %q", tt.in, err, tt.err)
		case tt.err == "" && (err != nil || time.Duration(d) != tt.want):
			t.Errorf("%s = %v, %v; want %v", tt.in, time.Duration(d), err, tt.want)
		}
	}
	// Written as integer nanoseconds, as adapted configs hold it.
	if b, _ := json.Marshal(Config{SessionMax: Duration(time.Hour)}); string(b) != `{"session_max":3600000000000}` {
		t.Errorf("marshalled %s", b)
	}
}

func TestParsePositive(t *testing.T) {
	if d, err := ParsePositive("1d"); err != nil || time.Duration(d) != 24*time.Hour {
		t.Errorf("1d = %v, %v", time.Duration(d), err)
	}
	for _, v := range []string{"0", "-5m", "soon", ""} {
		if _, err := ParsePositive(v); err == nil || !strings.Contains(err.Error(), "use a positive duration") {
			t.Errorf("%q: error %v", v, err)
		}
	}
}
