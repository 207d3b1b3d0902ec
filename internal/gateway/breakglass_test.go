package gateway_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/lockbox-gw/lockbox/internal/gateway"
	"github.com/lockbox-gw/lockbox/internal/store"
)

const outage = "INC-4711: globex cannot log in, their admins are unreachable"

// breakGlass posts the console's break-glass form.
func (b *browser) breakGlass(form url.Values) page {
	b.t.Helper()
	form.Set("csrf", b.console().csrf)
	form.Set("break_glass", "1")
	return b.post("/_lockbox/sessions", form)
}

func TestBreakGlassEntersWithoutAGrantAndEndsAtItsLimit(t *testing.T) {
	e := newEnv(t, options{idleTimeout: 2 * time.Hour})
	b := newBrowser(t, e.url())
	b.loginConsole("carol")
	if p := b.breakGlass(url.Values{"tenant": {"globex"}, "reason": {"  " + outage + " "}}); p.status != http.StatusSeeOther || p.location() != "/" {
		t.Fatalf("break-glass entry: %d %q %.400s", p.status, p.location(), p.body)
	}
	if c := b.console(); c.current != "globex" {
		t.Fatalf("console shows current tenant %q", c.current)
	}

	ids := lockboxHeaders(b.get("/orders").echo(t).Header)
	if ids["x-lockbox-break-glass"] != "true" || ids["x-lockbox-tenant"] != "globex" || ids["x-lockbox-scopes"] != "read write" {
		t.Fatalf("identity headers: %v", ids)
	}
	if _, ok := ids["x-lockbox-grant"]; ok {
		t.Fatalf("a grant header without a grant: %v", ids)
	}
	checkBreakGlassToken(t, e, ids["x-lockbox-token"])

	ss := e.sessions("globex")
	if len(ss) != 1 {
		t.Fatalf("sessions: %+v", ss)
	}
	s := ss[0]
	if !s.BreakGlass || s.Reason != outage || s.Grant != "" || !s.EndsAt.Equal(s.StartedAt.Add(time.Hour)) {
		t.Fatalf("session: %+v", s)
	}
	used := e.eventsOf("globex", gateway.EventBreakGlassUsed)
	if len(used) != 1 || len(e.eventsOf("globex", gateway.EventSessionStarted)) != 1 {
		t.Fatalf("audit: %+v", e.events("globex"))
	}
	d := eventData(t, used[0])
	if d["reason"] != outage || used[0].Actor == nil || used[0].Actor.Email != "carol@support.example" || used[0].Session != s.ID || d["ends_at"] == nil {
		t.Fatalf("breakglass.used: %+v %v", used[0], d)
	}

	e.clock.Add(59 * time.Minute)
	if ids := lockboxHeaders(b.get("/").echo(t).Header); ids["x-lockbox-tenant"] != "globex" {
		t.Fatalf("break-glass session over too early: %v", ids)
	}
	e.clock.Add(time.Minute)
	if p := b.get("/"); p.status != http.StatusForbidden || !strings.Contains(p.body, "reached its time limit") {
		t.Fatalf("request past the limit: %d %.400s", p.status, p.body)
	}
	ended := e.waitEvents("globex", gateway.EventSessionEnded, 1)
	if r := eventData(t, ended[0])["reason"]; r != store.SessionMax {
		t.Fatalf("session.ended reason %v, want %s", r, store.SessionMax)
	}
	e.verifyAudit("globex")
}

// checkBreakGlassToken verifies the token as an app would and checks it
// says break-glass and names no grant.
func checkBreakGlassToken(t *testing.T, e *env, raw string) {
	t.Helper()
	provider, err := oidc.NewProvider(e.ctx, e.url()+"/_lockbox")
	if err != nil {
		t.Fatal(err)
	}
	v := provider.Verifier(&oidc.Config{ClientID: audience, SupportedSigningAlgs: []string{"ES256"}, Now: e.clock.Now})
	tok, err := v.Verify(e.ctx, raw)
	if err != nil {
		t.Fatalf("token refused: %v", err)
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if claims["break_glass"] != true || claims["tenant"] != "globex" {
		t.Fatalf("claims: %v", claims)
	}
	if _, ok := claims["grant"]; ok {
		t.Fatalf("a grant claim without a grant: %v", claims)
	}
}

func TestBreakGlassRefusesBadReasons(t *testing.T) {
	tests := []struct {
		name string
		form url.Values
	}{
		{name: "missing", form: url.Values{"tenant": {"globex"}}},
		{name: "empty", form: url.Values{"tenant": {"globex"}, "reason": {""}}},
		{name: "spaces only", form: url.Values{"tenant": {"globex"}, "reason": {"   \t "}}},
		{name: "too long", form: url.Values{"tenant": {"globex"}, "reason": {strings.Repeat("é", 501)}}},
		{name: "newline", form: url.Values{"tenant": {"globex"}, "reason": {"outage\nsecond line"}}},
		{name: "escape", form: url.Values{"tenant": {"globex"}, "reason": {"outage \x1b[31m"}}},
		{name: "bidi override", form: url.Values{"tenant": {"globex"}, "reason": {"outage \u202e"}}},
		{name: "twice", form: url.Values{"tenant": {"globex"}, "reason": {"outage", "other"}}},
		{name: "bad tenant", form: url.Values{"tenant": {"Globex!"}, "reason": {"outage"}}},
	}
	e := newEnv(t, options{})
	b := newBrowser(t, e.url())
	b.loginConsole("carol")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if p := b.breakGlass(tt.form); p.status != http.StatusBadRequest {
				t.Fatalf("%d %.400s", p.status, p.body)
			}
		})
	}
	if ss := e.sessions("globex"); len(ss) != 0 {
		t.Fatalf("sessions after refused reasons: %+v", ss)
	}
	if c := b.console(); c.current != "" {
		t.Fatalf("agent is in %q", c.current)
	}
	// The longest reason allowed is accepted.
	if p := b.breakGlass(url.Values{"tenant": {"globex"}, "reason": {strings.Repeat("é", 500)}}); p.status != http.StatusSeeOther {
		t.Fatalf("500-character reason: %d %.400s", p.status, p.body)
	}
}

func TestBreakGlassNeedsABreakGlassRole(t *testing.T) {
	e := newEnv(t, options{})
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	p := b.breakGlass(url.Values{"tenant": {"globex"}, "reason": {outage}})
	if p.status != http.StatusForbidden || !strings.Contains(p.body, "break-glass") {
		t.Fatalf("bob's break-glass: %d %.400s", p.status, p.body)
	}
	if ss := e.sessions("globex"); len(ss) != 0 {
		t.Fatalf("sessions: %+v", ss)
	}
	denied := e.waitEvents("globex", gateway.EventAccessDenied, 1)
	if d := eventData(t, denied[0]); d["reason"] != "no_break_glass" || denied[0].Actor.Email != "bob@support.example" {
		t.Fatalf("access.denied: %+v %v", denied[0], d)
	}
	if n := len(e.eventsOf("globex", gateway.EventBreakGlassUsed)); n != 0 {
		t.Fatalf("%d breakglass.used events", n)
	}
}

func TestConsoleOffersBreakGlassOnlyToItsRoles(t *testing.T) {
	e := newEnv(t, options{})
	for user, want := range map[string]bool{"alice": false, "bob": false, "carol": true} {
		b := newBrowser(t, e.url())
		b.loginConsole(user)
		body := b.get("/_lockbox/").body
		if got := strings.Contains(body, "Emergency access (break-glass)") && strings.Contains(body, `name="break_glass"`); got != want {
			t.Errorf("%s's console offers break-glass: %v, want %v", user, got, want)
		}
	}
}

func TestBreakGlassFormNeedsCSRF(t *testing.T) {
	e := newEnv(t, options{})
	b := newBrowser(t, e.url())
	b.loginConsole("carol")
	form := url.Values{"csrf": {"wrong"}, "break_glass": {"1"}, "tenant": {"globex"}, "reason": {outage}}
	if p := b.post("/_lockbox/sessions", form); p.status != http.StatusForbidden {
		t.Fatalf("wrong csrf: %d", p.status)
	}
	form.Set("csrf", b.console().csrf)
	if p := b.do(req{method: http.MethodPost, url: "/_lockbox/sessions", form: form, origin: "https://evil.example"}); p.status != http.StatusForbidden {
		t.Fatalf("other origin: %d", p.status)
	}
	if ss := e.sessions("globex"); len(ss) != 0 {
		t.Fatalf("sessions: %+v", ss)
	}
}
