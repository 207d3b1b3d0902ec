package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

const (
	activeSession = `{"id":"s_NEW","tenant":"acme","grant":"g_ONE","agent":{"sub":"u1","iss":"https://idp.test","email":"bob@support.test"},"scopes":["read"],"started_at":"2026-01-02T15:00:00Z","ends_at":"2026-01-02T23:00:00Z","last_seen":"2026-01-02T15:04:00Z","requests":12,"refused":2}`
	endedSession  = `{"id":"s_OLD","tenant":"acme","agent":{"sub":"u2","iss":"https://idp.test"},"scopes":["read","write"],"break_glass":true,"reason":"outage","started_at":"2026-01-01T09:00:00Z","ends_at":"2026-01-01T10:00:00Z","last_seen":"2026-01-01T09:30:00Z","requests":3,"ended_at":"2026-01-01T09:45:10Z","end_reason":"exit"}`
)

func TestSessionsTable(t *testing.T) {
	c, f, out := newFake(map[string]answer{
		"GET /lockbox/tenants/acme/sessions?limit=100": {200, `{"sessions":[` + activeSession + `,` + endedSession + `]}`},
	})
	if err := c.Sessions(SessionsOptions{Tenant: "acme", Limit: DefaultSessionLimit}); err != nil {
		t.Fatal(err)
	}
	wantSent(t, f, "GET", "/lockbox/tenants/acme/sessions?limit=100", "")
	wantLines(t, out.String(),
		"SESSION  AGENT             STARTED                  ENDED                    REASON             REQUESTS",
		"s_NEW    bob@support.test  2026-01-02 15:00:00 UTC  active                   -                  12, 2 refused",
		"s_OLD    u2                2026-01-01 09:00:00 UTC  2026-01-01 09:45:10 UTC  exit, break-glass  3",
	)
}

func TestSessionsMorePages(t *testing.T) {
	c, _, out := newFake(map[string]answer{
		"GET /lockbox/tenants/acme/sessions?limit=1": {200, `{"sessions":[` + activeSession + `],"next_cursor":"abc"}`},
	})
	if err := c.Sessions(SessionsOptions{Tenant: "acme", Limit: 1}); err != nil {
		t.Fatal(err)
	}
	wantLines(t, out.String(), "(only the 1 newest sessions are shown; raise --limit for more)")
}

func TestSessionsNone(t *testing.T) {
	c, _, out := newFake(map[string]answer{
		"GET /lockbox/tenants/acme/sessions?limit=100": {200, `{"sessions":[]}`},
	})
	if err := c.Sessions(SessionsOptions{Tenant: "acme", Limit: DefaultSessionLimit}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "Tenant acme has no impersonation sessions.\n" {
		t.Fatalf("output %q", got)
	}
}

func TestSessionsJSON(t *testing.T) {
	c, _, out := newFake(map[string]answer{
		"GET /lockbox/tenants/acme/sessions?limit=100": {200, `{"sessions":[` + endedSession + `]}`},
	})
	if err := c.Sessions(SessionsOptions{Tenant: "acme", Limit: DefaultSessionLimit, JSON: true}); err != nil {
		t.Fatal(err)
	}
	var got sessionList
	if err := json.Unmarshal(out.Bytes(), &got); err != nil || len(got.Sessions) != 1 || got.Sessions[0].Reason != "outage" {
		t.Fatalf("JSON output %q: %v", out, err)
	}
}

func TestSessionsUsageErrorsSendNothing(t *testing.T) {
	tests := []struct {
		name string
		o    SessionsOptions
		msg  string
	}{
		{"no tenant", SessionsOptions{Limit: 10}, "--tenant is required"},
		{"bad tenant", SessionsOptions{Tenant: "Acme!", Limit: 10}, `invalid tenant id "Acme!"`},
		{"limit zero", SessionsOptions{Tenant: "acme"}, "--limit must be from 1 to 1000"},
		{"limit too big", SessionsOptions{Tenant: "acme", Limit: 1001}, "--limit must be from 1 to 1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f, _ := newFake(nil)
			err := c.Sessions(tt.o)
			if !IsUsage(err) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err = %v, want a usage error containing %q", err, tt.msg)
			}
			if len(f.sent) != 0 {
				t.Fatalf("sent %+v", f.sent)
			}
		})
	}
}

func TestSessionsCellsAreOneLine(t *testing.T) {
	evil := strings.Replace(activeSession, `"bob@support.test"`, `"bob\n\u001b[31m@x"`, 1)
	c, _, out := newFake(map[string]answer{
		"GET /lockbox/tenants/acme/sessions?limit=100": {200, `{"sessions":[` + evil + `]}`},
	})
	if err := c.Sessions(SessionsOptions{Tenant: "acme", Limit: DefaultSessionLimit}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "\n"); n != 2 || strings.Contains(out.String(), "\x1b") {
		t.Fatalf("a value broke the table:\n%q", out)
	}
}
