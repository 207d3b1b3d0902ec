package gateway_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/gateway"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// TestRefusedRequestsCountInTheVisit: a visit's request count covers the
// refused requests its audit lists, and says how many were refused.
func TestRefusedRequestsCountInTheVisit(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", 24*time.Hour, "read")
	agent := newBrowser(t, e.url())
	agent.loginConsole("bob")
	agent.enter("acme")
	agent.get("/").echo(t)
	agent.get("/orders").echo(t)
	if p := agent.do(req{method: http.MethodPost, url: "/orders"}); p.status != http.StatusForbidden {
		t.Fatalf("a write with read-only access: %d", p.status)
	}
	listed := len(e.waitEvents("acme", gateway.EventHTTPRequest, 2)) + len(e.waitEvents("acme", gateway.EventAccessDenied, 1))
	sess := e.sessions("acme")[0]
	testkit.Eventually(t, func() bool {
		s, err := e.store.GetSession(e.ctx, "acme", sess.ID)
		return err == nil && s.Requests == int64(listed) && s.Refused == 1
	}, "the session to count %d requests, 1 refused", listed)
}
