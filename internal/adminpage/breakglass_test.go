package adminpage_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/adminpage"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

const emergency = `INC-42 <b>outage</b> & "login" broken`

// breakGlassVisit stores carol's break-glass visit to acme.
func (e *env) breakGlassVisit(id string) store.Session {
	e.t.Helper()
	now := e.Clock.Now()
	s := store.Session{ID: id, Tenant: "acme", Agent: store.Agent{Subject: "carol", Name: "Carol Oncall", Email: "carol@support.example"},
		Scopes: []string{"read", "write"}, BreakGlass: true, Reason: emergency, StartedAt: now, EndsAt: now.Add(time.Hour), LastSeen: now}
	if err := e.Store.PutSession(ctx(e.t), s); err != nil {
		e.t.Fatal(err)
	}
	return s
}

func ackURL(id string) string { return page + "/breakglass/" + id + "/ack" }

func TestBreakGlassNoticeUntilAcknowledged(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	e.visit("s_ordinary", "")
	e.breakGlassVisit("s_bg")
	c, p := e.signedIn()
	must(t, p, http.StatusOK, `role="alert"`,
		"Emergency access by Carol Oncall (carol@support.example) at 2030-01-02 03:04 UTC: INC-42 &lt;b&gt;outage&lt;/b&gt; &amp; &#34;login&#34; broken",
		`action="`+ackURL("s_bg")+`"`)
	if strings.Contains(p.body, "<b>outage</b>") || strings.Contains(p.body, ackURL("s_ordinary")) {
		t.Fatalf("reason unescaped or ordinary visit flagged: %.3000s", p.body)
	}

	before := e.eventCount("acme")
	r := c.post(ackURL("s_bg"), c.form(p, nil))
	if r.status != http.StatusSeeOther || r.header.Get("Location") != page+"?done=acknowledged" {
		t.Fatalf("acknowledge: %d %q %.300s", r.status, r.header.Get("Location"), r.body)
	}
	after := c.get(page + "?done=acknowledged")
	must(t, after, http.StatusOK, "Emergency access acknowledged.")
	if strings.Contains(after.body, "Emergency access by") {
		t.Fatalf("notice still shown: %.2000s", after.body)
	}
	events, err := e.Store.Events(ctx(t), "acme", store.EventQuery{AfterSeq: before, Limit: 10})
	if err != nil || len(events) != 1 || events[0].Type != adminpage.EventBreakGlassAcknowledged ||
		events[0].Session != "s_bg" || events[0].Actor == nil || events[0].Actor.ID != ana.ID {
		t.Fatalf("audit after acknowledging: %+v %v", events, err)
	}

	// Acknowledging again changes nothing and audits nothing more.
	if r := c.post(ackURL("s_bg"), c.form(p, nil)); r.status != http.StatusSeeOther {
		t.Fatalf("second acknowledge: %d", r.status)
	}
	if n := e.eventCount("acme"); n != before+1 {
		t.Fatalf("audit grew to %d after a second acknowledge", n)
	}
}

func TestBreakGlassAcknowledgeRefused(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	e.visit("s_ordinary", "")
	e.breakGlassVisit("s_bg")
	c, p := e.signedIn()
	tests := []struct {
		name   string
		url    string
		form   url.Values
		header http.Header
		status int
	}{
		{"no csrf", ackURL("s_bg"), url.Values{"tenant": {"acme"}}, http.Header{"Origin": {c.srv}}, http.StatusForbidden},
		{"wrong csrf", ackURL("s_bg"), url.Values{"tenant": {"acme"}, "csrf": {"x"}}, http.Header{"Origin": {c.srv}}, http.StatusForbidden},
		{"other origin", ackURL("s_bg"), c.form(p, nil), http.Header{"Origin": {"https://evil.example"}}, http.StatusForbidden},
		{"ordinary visit", ackURL("s_ordinary"), c.form(p, nil), http.Header{"Origin": {c.srv}}, http.StatusNotFound},
		{"unknown visit", ackURL("s_none"), c.form(p, nil), http.Header{"Origin": {c.srv}}, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := c.do(http.MethodPost, tt.url, tt.form, tt.header); r.status != tt.status {
				t.Fatalf("%d, want %d: %.300s", r.status, tt.status, r.body)
			}
		})
	}
	if r := c.get(ackURL("s_bg")); r.status != http.StatusMethodNotAllowed {
		t.Fatalf("GET acknowledge: %d", r.status)
	}
	must(t, c.page(), http.StatusOK, "Emergency access by Carol Oncall")
}
