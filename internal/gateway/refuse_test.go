package gateway_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/gateway"
	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/store"
)

func TestRevocationBitesOnTheNextRequest(t *testing.T) {
	e := newEnv(t, options{})
	g := e.grant("acme", 7*24*time.Hour, "read", "write", "pii")
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	b.enter("acme")
	b.get("/").echo(t) // warm every cache
	b.get("/").echo(t)

	e.clock.Add(time.Minute)
	revoked := e.revoke("acme", g.ID)
	hits := e.upstream.hits.Load()
	p := b.get("/orders")
	when := revoked.EndedAt.UTC().Format("2006-01-02 15:04 UTC")
	if p.status != http.StatusForbidden || !strings.Contains(p.body, "Access revoked") ||
		!strings.Contains(p.body, tenantAdmin.Email) || !strings.Contains(p.body, when) ||
		!strings.Contains(p.body, "saying &#34;support case closed&#34;") {
		t.Fatalf("request after revocation: %d %.600s", p.status, p.body)
	}
	if e.upstream.hits.Load() != hits {
		t.Fatal("the request after revocation reached the app")
	}
	ended := e.waitEvents("acme", gateway.EventSessionEnded, 1)
	if r := eventData(t, ended[0])["reason"]; r != store.SessionRevoked {
		t.Fatalf("session.ended reason %v", r)
	}
	ss := e.sessions("acme")
	if len(ss) != 1 || ss[0].EndReason != store.SessionRevoked || ss[0].EndedAt == nil {
		t.Fatalf("sessions: %+v", ss)
	}
	// The agent is out of the tenant: what follows is ordinary traffic.
	if ids := lockboxHeaders(b.get("/orders").echo(t).Header); len(ids) != 0 {
		t.Fatalf("identity headers after revocation: %v", ids)
	}
	if c := b.console(); c.current != "" || len(c.tenants) != 0 {
		t.Fatalf("console after revocation: %+v", c)
	}
}

func TestReplacedGrantEndsTheSession(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", 24*time.Hour, "read", "write")
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	b.enter("acme")
	b.get("/").echo(t)
	e.grant("acme", time.Hour, "read") // narrower: the session must not keep write
	p := b.get("/")
	if p.status != http.StatusForbidden || !strings.Contains(p.body, "Access replaced") ||
		!strings.Contains(p.body, "replaced with a new grant") || strings.Contains(p.body, "revoked") {
		t.Fatalf("request after the grant was replaced: %d %.500s", p.status, p.body)
	}
	ended := e.waitEvents("acme", gateway.EventSessionEnded, 1)
	if r := eventData(t, ended[0])["reason"]; r != store.SessionReplaced {
		t.Fatalf("session.ended reason %v, want %s", r, store.SessionReplaced)
	}
	if ss := e.sessions("acme"); len(ss) != 1 || ss[0].EndReason != store.SessionReplaced {
		t.Fatalf("sessions: %+v", ss)
	}
}

func TestWriteNeedsTheWriteScope(t *testing.T) {
	tests := []struct {
		name   string
		user   string
		scopes []string
	}{
		{name: "read-only grant", user: "bob", scopes: []string{"read"}},
		{name: "read-only role", user: "alice", scopes: []string{"read", "write", "pii"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, options{})
			e.grant("acme", 24*time.Hour, tt.scopes...)
			b := newBrowser(t, e.url())
			b.loginConsole(tt.user)
			b.enter("acme")
			hits := e.upstream.hits.Load()
			for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, "PURGE", "post"} {
				p := b.do(req{method: m, url: "/api/items/7"})
				if p.status != http.StatusForbidden || !strings.Contains(p.body, "Read-only access") || !strings.Contains(p.body, "read-only") {
					t.Fatalf("%s: %d %.400s", m, p.status, p.body)
				}
			}
			if e.upstream.hits.Load() != hits {
				t.Fatal("a write reached the app")
			}
			denied := e.waitEvents("acme", gateway.EventAccessDenied, 6)
			if r := eventData(t, denied[0])["reason"]; r != policy.CodeReadOnly {
				t.Fatalf("access.denied reason %v", r)
			}
			for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodOptions} {
				if p := b.do(req{method: m, url: "/api/items/7"}); p.status != http.StatusOK {
					t.Fatalf("%s: %d", m, p.status)
				}
			}
		})
	}
}

func TestDenyRulesHoldInEveryEncoding(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", 24*time.Hour, "read", "write", "pii")
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	b.enter("acme")
	tests := []struct {
		method, path string
		status       int
		code         string
	}{
		{http.MethodGet, "/settings/billing", http.StatusForbidden, policy.CodeBlocked},
		{http.MethodGet, "/settings/billing/invoices", http.StatusForbidden, policy.CodeBlocked},
		{http.MethodGet, "/settings/%62illing", http.StatusForbidden, policy.CodeBlocked},
		{http.MethodGet, "/settings/%62%69%6c%6c%69%6e%67", http.StatusForbidden, policy.CodeBlocked},
		{http.MethodGet, "/SETTINGS/billing", http.StatusForbidden, policy.CodeBlocked},
		{http.MethodGet, "/Settings/Billing?tab=cards", http.StatusForbidden, policy.CodeBlocked},
		{http.MethodPost, "/settings/billing", http.StatusForbidden, policy.CodeBlocked},
		{http.MethodGet, "/settings//billing", http.StatusBadRequest, policy.CodeAmbiguousPath},
		{http.MethodGet, "/x/../settings/billing", http.StatusBadRequest, policy.CodeAmbiguousPath},
		{http.MethodGet, "/settings/./billing", http.StatusBadRequest, policy.CodeAmbiguousPath},
		{http.MethodGet, "/settings%2fbilling", http.StatusBadRequest, policy.CodeAmbiguousPath},
		{http.MethodGet, "/settings%2Fbilling", http.StatusBadRequest, policy.CodeAmbiguousPath},
		{http.MethodGet, "/settings/%2562illing", http.StatusBadRequest, policy.CodeAmbiguousPath},
		{http.MethodGet, "/settings%5cbilling", http.StatusBadRequest, policy.CodeAmbiguousPath},
		{http.MethodDelete, "/api/account", http.StatusForbidden, policy.CodeBlocked},
		{http.MethodDelete, "/api/account/42", http.StatusForbidden, policy.CodeBlocked},
		{http.MethodDelete, "/API/Account", http.StatusForbidden, policy.CodeBlocked},
		{http.MethodPost, "/api/account", http.StatusForbidden, policy.CodeBlocked}, // POST can stand in for DELETE
	}
	hits := e.upstream.hits.Load()
	for i, tt := range tests {
		p := b.do(req{method: tt.method, url: tt.path})
		if p.status != tt.status {
			t.Errorf("%s %s = %d, want %d: %.300s", tt.method, tt.path, p.status, tt.status, p.body)
			continue
		}
		denied := e.waitEvents("acme", gateway.EventAccessDenied, i+1)
		d := eventData(t, denied[i])
		if d["reason"] != tt.code || d["method"] != tt.method {
			t.Errorf("%s %s: access.denied %v", tt.method, tt.path, d)
		}
	}
	if e.upstream.hits.Load() != hits {
		t.Fatal("a denied request reached the app")
	}
	// What no rule covers goes through.
	for _, path := range []string{"/api/account", "/settings/profile", "/billing"} {
		if got := b.get(path).echo(t); got.Path != path {
			t.Errorf("GET %s reached the app as %s", path, got.Path)
		}
	}
	if got := b.do(req{method: http.MethodDelete, url: "/api/items/9"}).echo(t); got.Method != http.MethodDelete {
		t.Errorf("DELETE elsewhere reached the app as %s", got.Method)
	}
	e.verifyAudit("acme")
}

func TestEnteringWithoutAGrantIsRefusedAndAudited(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", time.Hour)
	b := newBrowser(t, e.url())
	c := b.loginConsole("bob")
	p := b.post("/_lockbox/sessions", map[string][]string{"csrf": {c.csrf}, "tenant": {"initech"}})
	if p.status != http.StatusForbidden || !strings.Contains(p.body, "initech has not granted support access") {
		t.Fatalf("entering initech: %d %.400s", p.status, p.body)
	}
	denied := e.waitEvents("initech", gateway.EventAccessDenied, 1)
	if d := eventData(t, denied[0]); d["reason"] != "no_grant" {
		t.Fatalf("access.denied %v", d)
	}
	if ss := e.sessions("initech"); len(ss) != 0 {
		t.Fatalf("a session started without a grant: %+v", ss)
	}
}
