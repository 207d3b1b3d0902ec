package adminpage

import (
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

func TestLeftWords(t *testing.T) {
	tests := []struct {
		left time.Duration
		want string
	}{
		{7*24*time.Hour - time.Second, "7 days"},
		{7*24*time.Hour - 13*time.Hour, "6 days"},
		{48 * time.Hour, "2 days"},
		{36 * time.Hour, "36 hours"},
		{2 * time.Hour, "2 hours"},
		{90 * time.Minute, "2 hours"},
		{80 * time.Minute, "80 minutes"},
		{time.Minute, "1 minute"},
		{20 * time.Second, "less than a minute"},
		{-time.Minute, "less than a minute"},
	}
	for _, tt := range tests {
		if got := leftWords(tt.left); got != tt.want {
			t.Errorf("leftWords(%s) = %q, want %q", tt.left, got, tt.want)
		}
	}
}

func TestDurationAndChoiceWords(t *testing.T) {
	tests := []struct {
		c    tenantadmin.Choice
		want string
	}{
		{tenantadmin.Choice{Duration: 24 * time.Hour}, "1 day"},
		{tenantadmin.Choice{Duration: 28 * 24 * time.Hour}, "28 days"},
		{tenantadmin.Choice{Duration: 36 * time.Hour}, "36 hours"},
		{tenantadmin.Choice{Duration: 90 * time.Minute}, "90 minutes"},
		{tenantadmin.Choice{Duration: 90 * time.Second}, "1m30s"},
		{tenantadmin.Choice{Standing: true}, "Until I revoke it (standing)"},
	}
	for _, tt := range tests {
		if got := choiceLabel(tt.c); got != tt.want {
			t.Errorf("choiceLabel(%+v) = %q, want %q", tt.c, got, tt.want)
		}
	}
}

func TestScopeWords(t *testing.T) {
	tests := map[string][]string{
		"Read-only, personal data masked":       {"read"},
		"Read and write, personal data masked":  {"read", "write"},
		"Read-only, personal data visible":      {"read", "pii"},
		"Read and write, personal data visible": {"read", "write", "pii"},
	}
	for want, scopes := range tests {
		if got := scopeWords(scopes); got != want {
			t.Errorf("scopeWords(%v) = %q, want %q", scopes, got, want)
		}
	}
}

func TestSessionEndWords(t *testing.T) {
	for reason, want := range map[string]string{
		store.SessionLogout: "the agent signed out", store.SessionExit: "the agent left", store.SessionIdle: "ended after inactivity",
		store.SessionMax: "reached its time limit", store.SessionExpired: "access expired", store.SessionRevoked: "access revoked",
		store.SessionReplaced: "access replaced by a new grant",
		"something new":       "something new",
	} {
		if got := sessionEndWords(reason); got != want {
			t.Errorf("sessionEndWords(%q) = %q, want %q", reason, got, want)
		}
	}
}

func TestSentence(t *testing.T) {
	for in, want := range map[string]string{
		"tenant acme has no grant": "Tenant acme has no grant.",
		"done.":                    "Done.",
		"":                         "",
		"échec":                    "Échec.",
	} {
		if got := sentence(in); got != want {
			t.Errorf("sentence(%q) = %q, want %q", in, got, want)
		}
	}
}
