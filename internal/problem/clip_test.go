package problem_test

import (
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/problem"
)

func TestClip(t *testing.T) {
	tests := []struct {
		name string
		s    string
		n    int
		want string
	}{
		{"short", "short", 80, "short"},
		{"exactly n", strings.Repeat("x", 80), 80, strings.Repeat("x", 80)},
		{"one over", strings.Repeat("x", 81), 80, strings.Repeat("x", 80) + "…"},
		{"counts characters, not bytes", strings.Repeat("é", 81), 80, strings.Repeat("é", 80) + "…"},
		{"never cuts inside a character", "aé", 1, "a…"},
		{"empty", "", 5, ""},
		{"zero", "abc", 0, "…"},
		{"negative is zero", "abc", -1, "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := problem.Clip(tt.s, tt.n); got != tt.want {
				t.Fatalf("Clip(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
			}
		})
	}
}
