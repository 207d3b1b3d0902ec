package gateway_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/lockbox-gw/lockbox/internal/gateway"
)

// users records who each request was attributed to.
type users struct {
	mu   sync.Mutex
	seen []string
}

func (u *users) set(_ *http.Request, user string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.seen = append(u.seen, user)
}

// TestDecisionLogs checks that every agent request's decision is logged
// for operators: a refusal at INFO with who, where, what and why, an
// allow at DEBUG, neither with a token, cookie or query string, and the
// agent is named for the access log both times.
func TestDecisionLogs(t *testing.T) {
	t.Parallel()
	core, logs := observer.New(zapcore.DebugLevel)
	who := &users{}
	e := newEnv(t, options{ops: gateway.Ops{Site: "app.example", Decisions: zap.New(core), SetUser: who.set}})
	e.grant("acme", 24*time.Hour, "read", "write")
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	b.enter("acme")
	if p := b.get("/orders?secret=q"); p.status != http.StatusOK {
		t.Fatalf("orders: %d", p.status)
	}
	if p := b.get("/settings/billing?secret=q"); p.status != http.StatusForbidden {
		t.Fatalf("billing: %d", p.status)
	}

	allowed := logs.FilterMessage("agent request allowed").AllUntimed()
	refused := logs.FilterMessage("agent request refused").AllUntimed()
	if len(allowed) != 1 || allowed[0].Level != zapcore.DebugLevel || allowed[0].ContextMap()["path"] != "/orders" {
		t.Fatalf("allowed: %+v", allowed)
	}
	if len(refused) != 1 || refused[0].Level != zapcore.InfoLevel {
		t.Fatalf("refused: %+v", refused)
	}
	f := refused[0].ContextMap()
	sid := f["session"].(string)
	want := map[string]any{
		"site": "app.example", "tenant": "acme", "session": sid, "outcome": "denied", "reason": "blocked_action",
		"agent_iss": e.idp.Issuer(), "agent_sub": "bob", "agent_email": "bob@support.example",
		"method": "GET", "path": "/settings/billing",
	}
	if !strings.HasPrefix(sid, "s_") || len(f) != len(want) {
		t.Fatalf("refusal fields %v, want %v", f, want)
	}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("refusal %s = %v, want %v", k, f[k], v)
		}
	}
	for _, entry := range logs.AllUntimed() {
		for k, v := range entry.ContextMap() {
			if s, _ := v.(string); strings.Contains(s, "secret") || strings.Contains(s, b.cookie()) || strings.HasPrefix(s, "eyJ") {
				t.Errorf("%q logs %s = %q", entry.Message, k, s)
			}
		}
	}
	who.mu.Lock()
	defer who.mu.Unlock()
	if strings.Join(who.seen, ",") != "bob@support.example,bob@support.example" {
		t.Fatalf("access log users %v", who.seen)
	}
}
