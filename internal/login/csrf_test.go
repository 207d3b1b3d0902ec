package login_test

import (
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/login"
)

func TestCSRFValid(t *testing.T) {
	s := &login.AgentSession{CSRF: strings.Repeat("c", 43)}
	tests := []struct {
		name  string
		sess  *login.AgentSession
		token string
		want  bool
	}{
		{"match", s, s.CSRF, true},
		{"wrong", s, strings.Repeat("d", 43), false},
		{"prefix", s, s.CSRF[:42], false},
		{"empty form token", s, "", false},
		{"session without token", &login.AgentSession{}, "", false},
		{"no session", nil, s.CSRF, false},
	}
	for _, tt := range tests {
		if got := login.CSRFValid(tt.sess, tt.token); got != tt.want {
			t.Errorf("%s: CSRFValid = %v", tt.name, got)
		}
	}
}
