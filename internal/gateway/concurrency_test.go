package gateway_test

import (
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/gateway"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

func TestConcurrentAgentRequestsAreAllAudited(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", 24*time.Hour, "read", "write")
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	b.enter("acme")
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan string, workers*each)
	for range workers {
		wg.Go(func() {
			for range each {
				p := b.do(req{method: http.MethodPost, url: "/orders", form: url.Values{"qty": {"1"}}})
				if p.status != http.StatusOK {
					errs <- p.body
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for body := range errs {
		t.Fatalf("a concurrent request failed: %.300s", body)
	}
	const n = workers * each
	sess := e.sessions("acme")[0]
	testkit.Eventually(t, func() bool {
		s, err := e.store.GetSession(e.ctx, "acme", sess.ID)
		return err == nil && s.Requests == n
	}, "the session to count %d requests", n)
	if got := e.waitEvents("acme", gateway.EventHTTPRequest, n); len(got) != n {
		t.Fatalf("%d http.request events for %d requests", len(got), n)
	}
	e.verifyAudit("acme")
}

// TestConcurrentEntersLeaveOneOpenSession enters tenants from several
// tabs at once: whatever wins, the agent ends up in one session and no
// other is left open.
func TestConcurrentEntersLeaveOneOpenSession(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", 24*time.Hour, "read", "write")
	b := newBrowser(t, e.url())
	csrf := b.loginConsole("bob").csrf
	const tabs = 6
	statuses := make([]int, tabs)
	var wg sync.WaitGroup
	for i := range tabs {
		wg.Go(func() {
			statuses[i] = b.post("/_lockbox/sessions", url.Values{"csrf": {csrf}, "tenant": {"acme"}}).status
		})
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusSeeOther && s != http.StatusConflict {
			t.Errorf("tab %d: %d", i, s)
		}
	}
	sid := lockboxHeaders(b.get("/").echo(t).Header)["x-lockbox-session"]
	var open []string
	for _, s := range e.sessions("acme") {
		if !s.Ended() {
			open = append(open, s.ID)
		}
	}
	if len(open) != 1 || open[0] != sid {
		t.Fatalf("open sessions %v, the agent is in %q", open, sid)
	}
}
