package gateway_test

import (
	"context"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/gateway"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// TestSweepEndsSessionsNobodyUses: an agent who walks away gets no further
// request to end the session, so the sweep must end it and audit why.
func TestSweepEndsSessionsNobodyUses(t *testing.T) {
	tests := []struct {
		name    string
		o       options
		advance time.Duration
		revoke  bool
		reason  string
	}{
		{name: "idle", o: options{idleTimeout: 30 * time.Minute}, advance: 31 * time.Minute, reason: store.SessionIdle},
		{name: "grant expired", o: options{idleTimeout: 3 * time.Hour}, advance: 2*time.Hour + time.Minute, reason: store.SessionExpired},
		{name: "session maximum", o: options{sessionMax: time.Hour, idleTimeout: 3 * time.Hour}, advance: time.Hour, reason: store.SessionMax},
		{name: "revoked", o: options{idleTimeout: 3 * time.Hour}, revoke: true, reason: store.SessionRevoked},
		{name: "still live", o: options{idleTimeout: 3 * time.Hour}, advance: time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.o)
			g := e.grant("acme", 2*time.Hour, "read")
			b := newBrowser(t, e.url())
			b.loginConsole("bob")
			b.enter("acme")
			b.get("/")
			e.clock.Add(tt.advance)
			if tt.revoke {
				e.revoke("acme", g.ID)
			}
			if err := e.insts[0].gw.Load().Sweep(context.Background()); err != nil {
				t.Fatalf("Sweep: %v", err)
			}
			s := e.sessions("acme")
			if len(s) != 1 {
				t.Fatalf("%d sessions, want 1", len(s))
			}
			if tt.reason == "" {
				if s[0].Ended() {
					t.Fatalf("sweep ended a live session: %s", s[0].EndReason)
				}
				return
			}
			if !s[0].Ended() || s[0].EndReason != tt.reason {
				t.Fatalf("after sweep: ended %v reason %q, want %q", s[0].Ended(), s[0].EndReason, tt.reason)
			}
			ended := e.waitEvents("acme", gateway.EventSessionEnded, 1)
			if r := eventData(t, ended[0])["reason"]; r != tt.reason {
				t.Fatalf("session.ended reason %v", r)
			}
			// A second sweep (another instance, the next minute) records nothing more.
			if err := e.insts[0].gw.Load().Sweep(context.Background()); err != nil {
				t.Fatal(err)
			}
			e.verifyAudit("acme")
			if n := len(e.eventsOf("acme", gateway.EventSessionEnded)); n != 1 {
				t.Fatalf("%d session.ended events, want 1", n)
			}
		})
	}
}
