package caddymodule_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/redistest"
)

// clusterRounds is how many times the cluster test grants and enters.
const clusterRounds = 30

// TestClusterGrantThenEnterEverywhere runs three instances on a
// three-master Redis Cluster, where the change feed crosses the cluster
// bus and may lag what the store already holds. Each round every agent
// is refused entry (no grant yet, so every instance has seen "no grant"),
// the tenant is granted on the first instance, and at once an agent on
// every instance enters and then works through every instance. A stale
// "no grant" must neither refuse the entry nor end a session.
func TestClusterGrantThenEnterEverywhere(t *testing.T) {
	t.Parallel()
	cluster := redistest.StartCluster(t)
	e := startLiveEnv(t, "redis "+cluster.URL(), 3, "")
	agents := []*agentBrowser{e.bob}
	for _, g := range e.gws[1:] {
		b := newAgentBrowser(t, g.site)
		b.loginConsole("bob")
		agents = append(agents, b)
	}
	refusedEntries, refusedRequests, ended, ordinary := 0, 0, 0, 0
	for round := range clusterRounds {
		csrf := make([]string, len(agents))
		for i, b := range agents {
			csrf[i] = b.console().csrf
			if p := enterForm(b, "acme", csrf[i]); p.status != http.StatusForbidden {
				t.Fatalf("round %d: entering acme without a grant: %d", round, p.status)
			}
		}
		gr := e.a.grant("acme", "--for", "1d", "--scopes", "read,write")
		statuses := make([]int, len(agents))
		var wg sync.WaitGroup
		for i, b := range agents {
			wg.Go(func() { statuses[i] = enterForm(b, "acme", csrf[i]).status })
		}
		wg.Wait()
		for i, s := range statuses {
			if s != http.StatusSeeOther {
				refusedEntries++
				t.Errorf("round %d: agent on instance %d refused entry: %d", round, i, s)
			}
		}
		// Every agent's session works on every instance, at once.
		for _, b := range agents {
			for _, g := range e.gws {
				switch sid, status := sessionThrough(b, g); {
				case status != http.StatusOK:
					refusedRequests++
					t.Errorf("round %d: a request through %s: %d %.80q", round, g.site, status, sid)
				case sid == "":
					ordinary++
				}
			}
		}
		for _, s := range e.a.sessions("acme") {
			if s.Grant == gr.ID && s.EndedAt != nil {
				ended++
				t.Errorf("round %d: session %s ended (%s) while its grant held", round, s.ID, s.EndReason)
			}
		}
		if s := e.admin(e.a, http.MethodDelete, "/lockbox/tenants/acme/grants/current", map[string]any{"by": e2eOperator}); s != http.StatusOK {
			t.Fatalf("revoke: %d", s)
		}
	}
	t.Logf("%d rounds on %s: %d refused entries, %d refused requests, %d sessions ended while their grant held; "+
		"%d requests went on as ordinary traffic (an instance's cached login not yet in the tenant)",
		clusterRounds, cluster, refusedEntries, refusedRequests, ended, ordinary)
	if ended != 0 {
		t.Fatalf("%d sessions ended while their grant held", ended)
	}
}

// enterForm posts the console's Enter form of tenant with csrf, as a
// browser would at once, without reading the console again.
func enterForm(b *agentBrowser, tenant, csrf string) reply {
	form := url.Values{"csrf": {csrf}, "tenant": {tenant}}
	req, err := http.NewRequest(http.MethodPost, b.Base+"/_lockbox/sessions", strings.NewReader(form.Encode()))
	if err != nil {
		return reply{}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.Base)
	resp, err := b.Stay.Do(req)
	if err != nil {
		return reply{}
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: string(data)}
}

// sessionThrough requests / on g with b's cookie, as a load balancer
// would send it, and returns the session header the app got.
func sessionThrough(b *agentBrowser, g *gatewayProc) (string, int) {
	req, err := http.NewRequest(http.MethodGet, g.site+"/", nil)
	if err != nil {
		return "", 0
	}
	req.Header.Set("Cookie", b.cookieHeader())
	client := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return "", 0
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return string(data), resp.StatusCode
}
