package notify

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/store"
)

// TestSessionRequestsCount: an ended session's data always carries its
// request count, 0 included; a running one carries none.
func TestSessionRequestsCount(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	running := store.Session{ID: "s_1", Tenant: "acme", StartedAt: t0, EndsAt: t0.Add(time.Hour)}
	ended := running
	ended.EndedAt, ended.EndReason = &t0, store.SessionLogout
	tests := []struct {
		name string
		s    store.Session
		want string // "" for no requests field
	}{
		{"running", running, ""},
		{"ended with no requests", ended, `"requests":0`},
		{"ended with requests", func() store.Session { s := ended; s.Requests = 7; return s }(), `"requests":7`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := json.Marshal(NewSessionData(tc.s))
			if err != nil {
				t.Fatal(err)
			}
			has := strings.Contains(string(raw), `"requests"`)
			if (tc.want == "") == has || (tc.want != "" && !strings.Contains(string(raw), tc.want)) {
				t.Fatalf("session data %s, want %q", raw, tc.want)
			}
		})
	}
}
