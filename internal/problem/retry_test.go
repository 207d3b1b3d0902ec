package problem_test

import (
	"net/http"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/problem"
)

func TestSetRetryAfter(t *testing.T) {
	for _, tt := range []struct {
		name   string
		status int
		had    string
		want   string
	}{
		{name: "503 gets one", status: http.StatusServiceUnavailable, want: "5"},
		{name: "503 keeps its own", status: http.StatusServiceUnavailable, had: "30", want: "30"},
		{name: "500 gets none", status: http.StatusInternalServerError},
		{name: "403 gets none", status: http.StatusForbidden},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.had != "" {
				h.Set("Retry-After", tt.had)
			}
			problem.SetRetryAfter(h, tt.status)
			if got := h.Get("Retry-After"); got != tt.want {
				t.Fatalf("Retry-After %q, want %q", got, tt.want)
			}
		})
	}
}
