package gateway_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
)

func TestAskForAccessFromTheConsole(t *testing.T) {
	e := newEnv(t, options{})
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	body := b.get("/_lockbox/").body
	for _, want := range []string{
		"Ask a tenant for access", `name="scopes" value="write"`, `name="scopes" value="pii"`,
		`<option value="1d" selected>`, `<option value="7d">`, `name="areas" value="planning"`, `name="ticket"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the console's ask form lacks %s", want)
		}
	}

	b.mustAsk(url.Values{
		"tenant": {"acme"}, "reason": {"  Customer reports missing invoices  "}, "ticket": {"SUP-1234"},
		"scopes": {"write"}, "duration": {"7d"}, "areas": {"planning"},
	})
	r := e.only("acme")
	if r.Agent.Subject != "bob" || r.Agent.Email != "bob@support.example" || !slices.Equal(r.Roles, []string{"operations"}) ||
		!slices.Equal(r.Scopes, []string{"read", "write"}) || r.Duration != "7d" || !slices.Equal(r.Areas, []string{"planning"}) ||
		r.Reason != "Customer reports missing invoices" || r.Ticket != "SUP-1234" || r.State != request.Pending || r.Extension {
		t.Fatalf("stored request: %+v", r)
	}
	created := e.eventsOf("acme", request.EventCreated)
	if len(created) != 1 || created[0].Actor == nil || created[0].Actor.ID != "bob" || created[0].Actor.Email != "bob@support.example" {
		t.Fatalf("request.created events: %+v", created)
	}
	row := onlyRequestRow(t, b.get("/_lockbox/").body)
	if row.tenant != "acme" || row.state != request.Pending || row.status != "pending: waiting for an admin's approval" ||
		!strings.Contains(row.row, "SUP-1234") || strings.Contains(row.row, "Enter") {
		t.Fatalf("request row: %+v", row)
	}
	e.verifyAudit("acme") // the request service and the audit writer share one chain
}

func TestAskRefusesBadText(t *testing.T) {
	e := newEnv(t, options{})
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	tests := []struct {
		name   string
		fields url.Values
		want   string
	}{
		{name: "no reason", fields: url.Values{"reason": nil}, want: "A reason is required"},
		{name: "blank reason", fields: url.Values{"reason": {" \u00a0 "}}, want: "A reason is required"},
		{name: "reason too long", fields: url.Values{"reason": {strings.Repeat("é", request.MaxReason+1)}}, want: "The reason is too long"},
		{name: "reason with a line break", fields: url.Values{"reason": {"first line\r\nX-Injected: 1"}}, want: "must be one line"},
		{name: "reason with a tab", fields: url.Values{"reason": {"a\tb"}}, want: "must be one line"},
		{name: "reason with NUL", fields: url.Values{"reason": {"a\x00b"}}, want: "must be one line"},
		{name: "reason with a line separator", fields: url.Values{"reason": {"a\u2028b"}}, want: "must be one line"},
		{name: "reason with a direction override", fields: url.Values{"reason": {"fix \u202eeciovni"}}, want: "must be one line"},
		{name: "reason not UTF-8", fields: url.Values{"reason": {"a\xffb"}}, want: "not valid text"},
		{name: "two reasons", fields: url.Values{"reason": {"one", "two"}}, want: "more than one reason"},
		{name: "ticket too long", fields: url.Values{"ticket": {strings.Repeat("x", request.MaxTicket+1)}}, want: "The ticket is too long"},
		{name: "ticket with a line break", fields: url.Values{"ticket": {"SUP-1\nSUP-2"}}, want: "must be one line"},
		{name: "duration not offered", fields: url.Values{"duration": {"90d"}}, want: "is not offered"},
		{name: "no duration", fields: url.Values{"duration": nil}, want: "Say how long"},
		{name: "unknown area", fields: url.Values{"areas": {"billing"}}, want: "billing"},
		{name: "odd extension flag", fields: url.Values{"extension": {"yes"}}, want: "extension field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := askFor("acme")
			f.Set("ticket", "SUP-9")
			for k, v := range tt.fields {
				f[k] = v
			}
			p := b.ask(f)
			if why := refused(p.body); p.status != http.StatusBadRequest || !strings.Contains(why, tt.want) {
				t.Fatalf("%d %q", p.status, why)
			}
			// The console again, with what the agent typed.
			if !strings.Contains(p.body, `id="ask-tenant" name="tenant" value="acme"`) || (tt.fields["ticket"] == nil && !strings.Contains(p.body, `value="SUP-9"`)) {
				t.Fatalf("the refused form lost what was typed: %.3000s", p.body)
			}
		})
	}
	if rs := e.stored("acme"); len(rs) != 0 {
		t.Fatalf("refused forms stored %d requests", len(rs))
	}
}

func TestAskBeyondTheRoleIsRefused(t *testing.T) {
	e := newEnv(t, options{})
	b := newBrowser(t, e.url())
	b.loginConsole("alice") // support: read only
	body := b.get("/_lockbox/").body
	if !strings.Contains(body, `name="scopes" value="read"`) || strings.Contains(body, `name="scopes" value="write"`) || strings.Contains(body, `name="scopes" value="pii"`) {
		t.Fatalf("the ask form offers scopes beyond alice's role: %.3000s", body)
	}
	for _, tt := range []struct {
		scopes []string
		status int
		want   string
	}{
		{[]string{"write"}, http.StatusForbidden, "can use only read"},
		{[]string{"read", "pii"}, http.StatusForbidden, "can use only read"},
		{[]string{"read write"}, http.StatusForbidden, "can use only read"},
		{[]string{"admin"}, http.StatusBadRequest, `Unknown scope "admin"`},
	} {
		f := askFor("acme")
		f["scopes"] = tt.scopes
		if p := b.ask(f); p.status != tt.status || !strings.Contains(refused(p.body), tt.want) {
			t.Errorf("scopes %q: %d %q", tt.scopes, p.status, refused(p.body))
		}
	}
	if rs := e.stored("acme"); len(rs) != 0 {
		t.Fatalf("%d requests stored", len(rs))
	}
	b.mustAsk(askFor("acme")) // read alone is fine
	if r := e.only("acme"); !slices.Equal(r.Scopes, []string{"read"}) {
		t.Fatalf("scopes %v", r.Scopes)
	}
}

func TestSecondPendingRequestIsRefused(t *testing.T) {
	e := newEnv(t, options{})
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	b.mustAsk(askFor("acme"))
	f := askFor("acme")
	f.Set("reason", "Asking again, louder")
	p := b.ask(f)
	if p.status != http.StatusConflict || !strings.HasPrefix(refused(p.body), "You already asked tenant acme for access") ||
		!strings.Contains(p.body, "Asking again, louder</textarea>") {
		t.Fatalf("second request: %d %.800s", p.status, p.body)
	}
	if n := len(e.stored("acme")); n != 1 {
		t.Fatalf("%d requests to acme", n)
	}
	b.mustAsk(askFor("globex")) // another tenant is another request
	// Another agent may ask the same tenant.
	other := newBrowser(t, e.url())
	other.loginConsole("alice")
	other.mustAsk(askFor("acme"))
}

func TestConsoleFollowsARequest(t *testing.T) {
	e := newEnv(t, options{requests: request.Config{Needed: 2, TTL: time.Hour}})
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	f := askFor("acme")
	f["scopes"], f["duration"] = []string{"write", "pii"}, []string{"7d"}
	b.mustAsk(f)
	if row := onlyRequestRow(t, b.get("/_lockbox/").body); row.status != "pending: waiting for 2 of 2 approvals" {
		t.Fatalf("row: %+v", row)
	}

	e.approve("acme", "", request.Decision{})
	if row := onlyRequestRow(t, b.get("/_lockbox/").body); row.status != "pending: waiting for 1 of 2 approvals" {
		t.Fatalf("row after one approval: %+v", row)
	}
	if _, found := b.console().tenants["acme"]; found {
		t.Fatal("acme is listed as granted after one of two approvals")
	}

	e.approve("acme", "admin-8", request.Decision{Scopes: []string{"read", "write"}, Duration: "1d"})
	row := onlyRequestRow(t, b.get("/_lockbox/").body)
	if row.state != request.Approved || row.status != "approved by admin-8@acme.example (read, write for 1d)" || !strings.Contains(row.row, ">Enter</button>") {
		t.Fatalf("approved row: %+v", row)
	}
	b.enter("acme") // the console's Enter form posts the same fields
	if got := lockboxHeaders(b.get("/orders").echo(t).Header); got["x-lockbox-tenant"] != "acme" || got["x-lockbox-scopes"] != "read write" {
		t.Fatalf("headers after entering: %v", got)
	}

	b.mustAsk(askFor("globex"))
	msg := `<script>alert(1)</script> Not without a ticket & a call`
	if _, err := e.requests.Deny(e.ctx, "globex", e.only("globex").ID, request.Decision{By: tenantAdmin, Message: msg}); err != nil {
		t.Fatal(err)
	}
	body := b.get("/_lockbox/").body
	if strings.Contains(body, "<script>alert(1)") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt; Not without a ticket &amp; a call") {
		t.Fatalf("the denial's message is not shown escaped: %.4000s", body)
	}
	denied := requestRows(body)[0]
	if denied.tenant != "globex" || denied.state != request.Denied || denied.status != "denied by carla@acme.example" || strings.Contains(denied.row, "Enter") {
		t.Fatalf("denied row: %+v", denied)
	}

	b.mustAsk(askFor("initech"))
	e.clock.Add(time.Hour)
	rows := requestRows(b.get("/_lockbox/").body)
	if len(rows) != 3 || rows[0].tenant != "initech" || rows[0].state != request.Expired || !strings.HasPrefix(rows[0].status, "expired: no admin answered by ") {
		t.Fatalf("rows after the request's lifetime: %+v", rows)
	}
	if got := e.only("initech"); got.State != request.Expired {
		t.Fatalf("stored state %s", got.State)
	}
}

func TestAskForMoreTime(t *testing.T) {
	e := newEnv(t, options{loginMax: 10 * 24 * time.Hour})
	e.grant("acme", 7*24*time.Hour, "read", "write")
	e.grant("globex", 12*time.Hour, "read")
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	body := b.get("/_lockbox/").body
	if row := tenantRow(body, "acme"); row == "" || strings.Contains(row, "Ask for more time") {
		t.Fatalf("acme's grant runs a week, yet: %s", row)
	}
	if row := tenantRow(body, "globex"); !strings.Contains(row, `name="extension" value="1"`) || !strings.Contains(row, "for 12h") {
		t.Fatalf("globex's grant ends in 12h, yet: %s", row)
	}

	// Asking early is refused, even when the form is forged.
	f := askFor("acme")
	f.Set("extension", "1")
	if p := b.ask(f); p.status != http.StatusConflict || !strings.Contains(refused(p.body), "ask for more time within a day of its end") {
		t.Fatalf("early extension: %d %q", p.status, refused(p.body))
	}
	f = askFor("initech")
	f.Set("extension", "1")
	if p := b.ask(f); p.status != http.StatusConflict || !strings.Contains(refused(p.body), "has no active grant to extend") {
		t.Fatalf("extension without a grant: %d %q", p.status, refused(p.body))
	}

	f = askFor("globex")
	f.Set("extension", "1")
	b.mustAsk(f)
	r := e.only("globex")
	if !r.Extension || r.Duration != "1d" {
		t.Fatalf("stored: %+v", r)
	}
	if row := tenantRow(b.get("/_lockbox/").body, "globex"); strings.Contains(row, `name="extension"`) || !strings.Contains(row, "waits for an answer") {
		t.Fatalf("globex row while the extension waits: %s", row)
	}
	e.approve("globex", "", request.Decision{})
	body = b.get("/_lockbox/").body
	if row := tenantRow(body, "globex"); !strings.Contains(row, "for 36h") {
		t.Fatalf("globex row after the extension: %s", row)
	}
	if rows := requestRows(body); len(rows) != 1 || rows[0].status != "approved by carla@acme.example (1d more time)" {
		t.Fatalf("request rows: %+v", rows)
	}

	// A day before acme's grant ends, more time is offered there too.
	e.clock.Add(6*24*time.Hour + time.Minute)
	if row := tenantRow(b.get("/_lockbox/").body, "acme"); !strings.Contains(row, `name="extension" value="1"`) {
		t.Fatalf("acme's grant ends within a day, yet: %s", row)
	}
}

func TestAskRefusesHostileTenantIDs(t *testing.T) {
	e := newEnv(t, options{})
	e.grant("acme", time.Hour, "read")
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	for _, id := range []string{
		"", "ACME", "acme!", "../acme", "acme/..", "-acme", " acme", "acme\r\nX-Evil: 1", "acme\x00",
		strings.Repeat("a", 64), "äcme", `"><script>alert(1)</script>`, "acme\xff",
	} {
		for _, extension := range []string{"", "1"} {
			f := askFor(id)
			f.Set("extension", extension)
			p := b.ask(f)
			if p.status != http.StatusBadRequest || !strings.HasPrefix(refused(p.body), "Invalid tenant id") || strings.Contains(p.body, "<script>alert") {
				t.Errorf("tenant %q (extension %q): %d %q", id, extension, p.status, refused(p.body))
			}
		}
	}
	bob := store.Agent{Issuer: e.idp.Issuer(), Subject: "bob"}
	if mine, err := e.requests.ForAgent(e.ctx, bob, 0); err != nil || len(mine) != 0 {
		t.Fatalf("requests stored: %v %v", mine, err)
	}
	b.mustAsk(askFor("acme"))
	if mine, err := e.requests.ForAgent(e.ctx, bob, 0); err != nil || len(mine) != 1 {
		t.Fatalf("a good request after the hostile ones: %v %v", mine, err)
	}
}

func TestRequestsNeedTheService(t *testing.T) {
	e := newEnv(t, options{noRequests: true})
	b := newBrowser(t, e.url())
	b.loginConsole("bob")
	if body := b.get("/_lockbox/").body; strings.Contains(body, "Ask a tenant") || strings.Contains(body, "Your requests") {
		t.Fatal("the console offers requests the site does not take")
	}
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		p := b.do(req{method: method, url: askPath, form: askFor("acme")})
		if p.status != http.StatusNotFound || !strings.Contains(p.body, "There is no such Lockbox page") {
			t.Fatalf("%s %s: %d %.300s", method, askPath, p.status, p.body)
		}
	}
}

// requestsDown fails every access-request record while down is set, as
// a store that stopped answering would; logins keep working.
type requestsDown struct {
	store.Store
	down atomic.Bool
}

var errStoreDown = errors.New("connection refused")

func (s *requestsDown) fails(kind string) bool {
	return s.down.Load() && strings.HasPrefix(kind, "request")
}

func (s *requestsDown) GetRecord(ctx context.Context, kind, id string) ([]byte, error) {
	if s.fails(kind) {
		return nil, errStoreDown
	}
	return s.Store.GetRecord(ctx, kind, id)
}

func (s *requestsDown) CreateRecord(ctx context.Context, kind, id string, value []byte, ttl time.Duration) (bool, error) {
	if s.fails(kind) {
		return false, errStoreDown
	}
	return s.Store.CreateRecord(ctx, kind, id, value, ttl)
}

func (s *requestsDown) SwapRecord(ctx context.Context, kind, id string, old, value []byte, ttl time.Duration) (bool, error) {
	if s.fails(kind) {
		return false, errStoreDown
	}
	return s.Store.SwapRecord(ctx, kind, id, old, value, ttl)
}

func TestAskWithTheStoreDownFailsClosed(t *testing.T) {
	var st *requestsDown
	e := newEnv(t, options{wrap: func(s store.Store) store.Store {
		st = &requestsDown{Store: s}
		return st
	}})
	b := newBrowser(t, e.url())
	c := b.loginConsole("bob")
	st.down.Store(true)
	p := b.post(askPath, url.Values{"csrf": {c.csrf}, "tenant": {"acme"}, "reason": {"Invoices"}, "duration": {"1d"}})
	if p.status != http.StatusServiceUnavailable || !strings.Contains(p.body, "Support access is paused") || strings.Contains(p.body, "connection refused") {
		t.Fatalf("ask with the store down: %d %.500s", p.status, p.body)
	}
	if p := b.get("/_lockbox/"); p.status != http.StatusServiceUnavailable {
		t.Fatalf("console with the store down: %d", p.status)
	}
	st.down.Store(false)
	if rs := e.stored("acme"); len(rs) != 0 {
		t.Fatalf("%d requests stored while the store was down", len(rs))
	}
	b.mustAsk(askFor("acme"))
}
