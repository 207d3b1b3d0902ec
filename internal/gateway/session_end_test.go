package gateway_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/gateway"
	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// TestSessionsEndOnTime moves the clock past each limit of a session and
// expects the next request refused with the reason, the reason audited
// and the agent out of the tenant.
func TestSessionsEndOnTime(t *testing.T) {
	tests := []struct {
		name   string
		o      options
		grant  time.Duration
		steps  []time.Duration // requests that still pass, after each step
		last   time.Duration   // the step after which the session is over
		reason string
		page   string
	}{
		{
			name: "grant expiry", grant: time.Hour,
			o:     options{idleTimeout: 2 * time.Hour},
			steps: []time.Duration{59 * time.Minute}, last: time.Minute,
			reason: store.SessionExpired, page: "Access expired",
		},
		{
			name: "idle timeout", grant: 24 * time.Hour,
			o:     options{idleTimeout: 30 * time.Minute},
			steps: []time.Duration{29 * time.Minute, 29 * time.Minute, 29 * time.Minute}, last: 30 * time.Minute,
			reason: store.SessionIdle, page: "without activity",
		},
		{
			name: "session maximum", grant: 24 * time.Hour,
			o:     options{sessionMax: time.Hour, idleTimeout: 2 * time.Hour},
			steps: []time.Duration{59 * time.Minute}, last: time.Minute,
			reason: store.SessionMax, page: "reached its time limit",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.o)
			e.grant("acme", tt.grant, "read", "write")
			b := newBrowser(t, e.url())
			b.loginConsole("bob")
			b.enter("acme")
			for i, d := range tt.steps {
				e.clock.Add(d)
				if ids := lockboxHeaders(b.get("/").echo(t).Header); ids["x-lockbox-tenant"] != "acme" {
					t.Fatalf("step %d: session over too early: %v", i, ids)
				}
			}
			e.clock.Add(tt.last)
			wantEndedAndOut(t, e, b, tt.page, tt.reason)
			e.verifyAudit("acme")
		})
	}
}

func TestExitEndsTheSession(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", 24*time.Hour, "read")
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	b.enter("acme")
	b.get("/").echo(t)
	c := b.console()
	p := b.post("/_lockbox/exit", url.Values{"csrf": {c.csrf}})
	if p.status != http.StatusSeeOther || p.location() != "/_lockbox/" {
		t.Fatalf("exit: %d %q", p.status, p.location())
	}
	ended := e.waitEvents("acme", gateway.EventSessionEnded, 1)
	if r := eventData(t, ended[0])["reason"]; r != store.SessionExit {
		t.Fatalf("session.ended reason %v", r)
	}
	if ids := lockboxHeaders(b.get("/").echo(t).Header); len(ids) != 0 {
		t.Fatalf("identity headers after exit: %v", ids)
	}
	if c := b.console(); c.current != "" || len(c.tenants) != 1 {
		t.Fatalf("console after exit: %+v", c)
	}
	// Entering again starts a new session.
	b.enter("acme")
	if ids := lockboxHeaders(b.get("/").echo(t).Header); ids["x-lockbox-session"] == ended[0].Session {
		t.Fatal("entering again reused the ended session")
	}
}

func TestEnteringAnotherTenantEndsTheFirstSession(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", 24*time.Hour, "read")
	e.grant("globex", 24*time.Hour, "read", "write")
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	b.enter("acme")
	b.enter("globex")
	if ids := lockboxHeaders(b.get("/").echo(t).Header); ids["x-lockbox-tenant"] != "globex" || ids["x-lockbox-scopes"] != "read write" {
		t.Fatalf("headers after switching tenants: %v", ids)
	}
	ended := e.waitEvents("acme", gateway.EventSessionEnded, 1)
	if r := eventData(t, ended[0])["reason"]; r != store.SessionExit {
		t.Fatalf("acme's session.ended reason %v", r)
	}
}

func TestLogoutEndsTheSessionAndTheCookie(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", 24*time.Hour, "read", "write")
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	b.enter("acme")
	b.get("/").echo(t)
	cookie := b.cookie()
	c := b.console()
	p := b.post("/_lockbox/logout", url.Values{"csrf": {c.csrf}})
	if p.status != http.StatusOK || !strings.Contains(p.body, "Signed out") {
		t.Fatalf("logout: %d %.300s", p.status, p.body)
	}
	if b.cookie() != "" {
		t.Fatal("the session cookie survived logout")
	}
	ended := e.waitEvents("acme", gateway.EventSessionEnded, 1)
	if r := eventData(t, ended[0])["reason"]; r != store.SessionLogout {
		t.Fatalf("session.ended reason %v", r)
	}

	// The old cookie, replayed, is nobody's.
	replay := newBrowser(t, e.url())
	replay.setCookie(login.SessionCookiePlain, cookie)
	got := replay.get("/orders").echo(t)
	if ids := lockboxHeaders(got.Header); len(ids) != 0 {
		t.Fatalf("replayed cookie got identity headers %v", ids)
	}
	if names := cookieNames(got.Header); len(names) != 0 {
		t.Fatalf("the app got cookies %v", names)
	}
	if p := replay.get("/_lockbox/"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location(), "/_lockbox/login") {
		t.Fatalf("console with a replayed cookie: %d %q", p.status, p.location())
	}
	if p := replay.post("/_lockbox/sessions", url.Values{"csrf": {c.csrf}, "tenant": {"acme"}}); p.status != http.StatusUnauthorized {
		t.Fatalf("entering with a replayed cookie: %d %.300s", p.status, p.body)
	}
	if n := len(e.sessions("acme")); n != 1 {
		t.Fatalf("%d sessions, want the one that ended", n)
	}
}

// TestLoggingInAgainEndsTheOldLogin signs in again while in a tenant: the
// old cookie must stop working at once (it may have been cached) and the
// session it was in must not stay open.
func TestLoggingInAgainEndsTheOldLogin(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", 24*time.Hour, "read", "write")
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	b.enter("acme")
	b.get("/").echo(t)
	b.get("/").echo(t)
	old := b.cookie()

	c := b.loginConsole("bob")
	if b.cookie() == old || c.current != "" {
		t.Fatalf("a new login kept the old cookie or tenant: %+v", c)
	}
	replay := newBrowser(t, e.url())
	replay.setCookie(login.SessionCookiePlain, old)
	if ids := lockboxHeaders(replay.get("/").echo(t).Header); len(ids) != 0 {
		t.Fatalf("the replaced login's cookie still gets identity headers %v", ids)
	}
	ended := e.waitEvents("acme", gateway.EventSessionEnded, 1)
	if r := eventData(t, ended[0])["reason"]; r != store.SessionLogout {
		t.Fatalf("session.ended reason %v", r)
	}
	for _, s := range e.sessions("acme") {
		if !s.Ended() {
			t.Fatalf("session %s left open", s.ID)
		}
	}
}

func TestExpiredLoginIsNotSignedIn(t *testing.T) {
	e := newEnv(t, options{loginMax: time.Hour, idleTimeout: 2 * time.Hour})
	e.grant("acme", 24*time.Hour, "read", "write")
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	b.enter("acme")
	b.get("/").echo(t) // the agent's login is cached now
	e.clock.Add(time.Hour)
	if ids := lockboxHeaders(b.get("/").echo(t).Header); len(ids) != 0 {
		t.Fatalf("identity headers after the login expired: %v", ids)
	}
	if p := b.get("/_lockbox/"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location(), "/_lockbox/login") {
		t.Fatalf("console after the login expired: %d %q", p.status, p.location())
	}
}

// TestTimeUpAtTheTokenLeavesTheTenant: a session whose time runs out
// between a request's checks and minting its token is ended, the request
// refused before the app, and the agent taken out of the tenant, so the
// next request is ordinary traffic, not refused again.
func TestTimeUpAtTheTokenLeavesTheTenant(t *testing.T) {
	e := newEnv(t, options{minterAhead: 2 * time.Hour, idleTimeout: 3 * time.Hour})
	e.grant("acme", time.Hour, "read")
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	b.enter("acme")
	wantEndedAndOut(t, e, b, "Access expired", store.SessionExpired)
	// One refusal on record: the request that found the time up.
	if denied := e.eventsOf("acme", gateway.EventAccessDenied); len(denied) != 1 {
		t.Fatalf("%d access.denied, want 1: refused again after the session ended", len(denied))
	}
	e.verifyAudit("acme")
}

// wantEndedAndOut expects b's next request refused with page before the
// app, session.ended recorded with reason, and the request after that
// passed on as ordinary traffic: the agent is out of the tenant.
func wantEndedAndOut(t *testing.T, e *env, b *browser, page, reason string) {
	t.Helper()
	hits := e.upstream.hits.Load()
	if p := b.get("/"); p.status != http.StatusForbidden || !strings.Contains(p.body, page) {
		t.Fatalf("request once the session is over: %d %.500s", p.status, p.body)
	}
	if e.upstream.hits.Load() != hits {
		t.Fatal("the request once the session is over reached the app")
	}
	ended := e.waitEvents("acme", gateway.EventSessionEnded, 1)
	if r := eventData(t, ended[0])["reason"]; r != reason {
		t.Fatalf("session.ended reason %v, want %s", r, reason)
	}
	if ids := lockboxHeaders(b.get("/").echo(t).Header); len(ids) != 0 {
		t.Fatalf("identity headers after the session ended: %v", ids)
	}
}
