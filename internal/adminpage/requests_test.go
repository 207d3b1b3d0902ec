package adminpage_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

func TestAPendingRequestComesFirstWithItsForms(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	r := e.ask(request.Ask{Ticket: "T-4711", Reason: `Invoice <b>broken</b>`, Roles: []string{"operations"},
		Scopes: []string{"write", "pii"}, Areas: []string{"planning", "calendar"}})
	_, p := e.signedIn()
	c := cardOf(t, p, r.ID)
	if strings.Index(p.body, `id="request-`+r.ID) > strings.Index(p.body, "<h1>") {
		t.Fatalf("the request is not above the page's heading: %.3000s", p.body)
	}
	for _, want := range []string{
		"Bob Operator (bob@support.example) asks for access to acme", "support role: operations",
		"Invoice &lt;b&gt;broken&lt;/b&gt;", "T-4711", "Read and write, personal data visible; only: calendar, planning, for 7 days",
		"0 of 1 approval so far", "expires 2030-01-05 03:04 UTC (3 days left)",
		`action="` + approveURL(r.ID) + `"`, `action="` + denyURL(r.ID) + `"`,
		`<option value="7d" selected>7 days</option><option value="1d">1 day</option></select>`, "Keep at least one checked.",
	} {
		if !strings.Contains(c, want) {
			t.Fatalf("request card lacks %q: %s", want, c)
		}
	}
	if got, want := checkedBoxes(c), []string{"scope=write", "scope=pii", "area=calendar", "area=planning"}; !slices.Equal(got, want) {
		t.Fatalf("checked boxes %v, want %v", got, want)
	}
	if strings.Contains(c, `value="28d"`) || strings.Contains(c, `value="billing"`) || strings.Contains(c, "<b>broken") {
		t.Fatalf("card offers more than was asked, or is unescaped: %s", c)
	}
	must(t, p, http.StatusOK, "<h2>Access requests</h2>", "No access request to acme has been decided yet.")
}

func TestApproveAsAsked(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	r := e.ask(request.Ask{Scopes: []string{"write", "pii"}, Ticket: "T-1"})
	c, p := e.signedIn()
	decided(t, c, approveURL(r.ID), c.form(p, approveForm(nil)), "approved")

	g := e.active()
	if g == nil || !slices.Equal(g.Scopes, []string{"read", "write", "pii"}) || len(g.Areas) != 0 ||
		!g.ExpiresAt.Equal(e.Clock.Now().Add(7*24*time.Hour)) || g.CreatedBy.ID != ana.ID || !strings.Contains(g.Note, r.ID) {
		t.Fatalf("grant %+v", g)
	}
	if done := e.request(r.ID); done.State != request.Approved || done.Granted != g.ID {
		t.Fatalf("request %+v", done)
	}
	notes := e.Notes()
	if len(notes) != 1 || notes[0].Event != grant.EventCreated || notes[0].Payload.(store.Grant).ID != g.ID {
		t.Fatalf("notifications %+v", notes)
	}
	after := c.get(page + "?done=approved")
	must(t, after, http.StatusOK, "Access request approved.", "Support can access acme")
	row := cardOf(t, after, r.ID)
	for _, want := range []string{"<b>approved</b> by ana@acme.test", "Granted: Read and write, personal data visible, for 7 days", "Ticket: T-1"} {
		if !strings.Contains(row, want) {
			t.Fatalf("history row lacks %q: %s", want, row)
		}
	}
	if strings.Contains(after.body, approveURL(r.ID)) {
		t.Fatal("an approved request still has its forms")
	}
}

func TestApproveNarrowed(t *testing.T) {
	tests := []struct {
		name   string
		form   url.Values
		scopes []string
		length time.Duration
		areas  []string
		shows  string
	}{
		{"without write", url.Values{"scope": {"pii"}}, []string{"read", "pii"}, 7 * 24 * time.Hour, []string{"calendar", "planning"},
			"Granted: Read-only, personal data visible, for 7 days; only: calendar, planning"},
		{"read only for a day", url.Values{"scope": nil, "duration": {"1d"}}, []string{"read"}, 24 * time.Hour, []string{"calendar", "planning"},
			"Granted: Read-only, personal data masked, for 1 day; only: calendar, planning"},
		{"one area", url.Values{"area": {"planning"}}, []string{"read", "write", "pii"}, 7 * 24 * time.Hour, []string{"planning"},
			"Granted: Read and write, personal data visible, for 7 days; only: planning"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tenantadmin.Rules{})
			r := e.ask(request.Ask{Scopes: []string{"write", "pii"}, Areas: []string{"planning", "calendar"}})
			c, p := e.signedIn()
			form := approveForm(url.Values{"area": {"planning", "calendar"}})
			for k, v := range tt.form {
				form[k] = v
			}
			decided(t, c, approveURL(r.ID), c.form(p, form), "approved")
			g := e.active()
			if g == nil || !slices.Equal(g.Scopes, tt.scopes) || !slices.Equal(g.Areas, tt.areas) || !g.ExpiresAt.Equal(e.Clock.Now().Add(tt.length)) {
				t.Fatalf("grant %+v", g)
			}
			if row := cardOf(t, c.page(), r.ID); !strings.Contains(row, tt.shows) {
				t.Fatalf("history row lacks %q: %s", tt.shows, row)
			}
		})
	}
}

func TestBadApprovals(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	r := e.ask(request.Ask{Scopes: []string{"write"}, Areas: []string{"planning", "calendar"}})
	c, p := e.signedIn()
	tests := []struct {
		name string
		form url.Values
		want string
	}{
		{"longer than asked", url.Values{"duration": {"28d"}}, "Duration &#34;28d&#34; is not offered for this request; choose 7 days, 1 day"},
		{"not offered", url.Values{"duration": {"3d"}}, "is not offered for this request"},
		{"a minute", url.Values{"duration": {"1m"}}, "is not offered for this request"},
		{"garbage duration", url.Values{"duration": {"soon"}}, "is not offered for this request"},
		{"two durations", url.Values{"duration": {"7d", "1d"}}, "The form sent duration twice"},
		{"scope not asked", url.Values{"scope": {"pii"}}, "An approval may narrow the scopes asked for (read, write), not add to them"},
		{"unknown scope", url.Values{"scope": {"admin"}}, "Unknown scope &#34;admin&#34;"},
		{"no area kept", url.Values{"area": nil}, "Keep at least one of the areas asked for (calendar, planning), or deny the request"},
		{"area not asked", url.Values{"area": {"billing"}}, "An approval may narrow the areas asked for (calendar, planning)"},
		{"unknown area", url.Values{"area": {"nowhere"}}, "&#34;nowhere&#34; is not an area of this site"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"scope": {"write"}, "duration": {"7d"}, "area": {"planning"}}
			for k, v := range tt.form {
				form[k] = v
			}
			must(t, c.post(approveURL(r.ID), c.form(p, form)), http.StatusBadRequest, "Please check the form", tt.want)
		})
	}
	e.stillPending(r.ID)
	if e.active() != nil {
		t.Fatal("a refused approval granted access")
	}
}

func TestDenyWithMessage(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	r := e.ask(request.Ask{})
	c, p := e.signedIn()
	must(t, c.post(denyURL(r.ID), c.form(p, url.Values{"message": {"a\nb"}})), http.StatusBadRequest, "The message must be one line")
	must(t, c.post(denyURL(r.ID), c.form(p, url.Values{"message": {strings.Repeat("m", request.MaxMessage+1)}})), http.StatusBadRequest, "The message is too long")
	e.stillPending(r.ID)

	decided(t, c, denyURL(r.ID), c.form(p, url.Values{"message": {"Not now <i>sorry</i>"}}), "denied")
	done := e.request(r.ID)
	if done.State != request.Denied || done.Message != "Not now <i>sorry</i>" || done.DecidedBy == nil || done.DecidedBy.ID != ana.ID {
		t.Fatalf("request %+v", done)
	}
	after := c.get(page + "?done=denied")
	must(t, after, http.StatusOK, "Access request denied.")
	row := cardOf(t, after, r.ID)
	for _, want := range []string{"<b>denied</b> by ana@acme.test", "Message: Not now &lt;i&gt;sorry&lt;/i&gt;"} {
		if !strings.Contains(row, want) {
			t.Fatalf("history row lacks %q: %s", want, row)
		}
	}
	if e.active() != nil || len(e.Notes()) != 0 {
		t.Fatalf("a denial granted access or notified: %+v", e.Notes())
	}
}

func TestOwnRequestIsRefused(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	e.SetAdmins("acme", ana, vic, olga)
	// Ana is also a support agent, signed in at the IdP with another
	// subject and her email in other case.
	self := store.Agent{Issuer: bob.Issuer, Subject: "ana-sso", Name: "Ana", Email: "ANA@Acme.TEST"}
	r := e.ask(request.Ask{Agent: self})
	c, p := e.signedIn()
	own := cardOf(t, p, r.ID)
	if !strings.Contains(own, "You asked for this access; another admin must decide.") || strings.Contains(own, "<form") {
		t.Fatalf("own request card: %s", own)
	}
	for _, u := range []string{approveURL(r.ID), denyURL(r.ID)} {
		must(t, c.post(u, c.form(p, approveForm(nil))), http.StatusForbidden, "Not your decision",
			"You asked for this access yourself; another admin must decide. Nothing was changed.")
	}
	e.stillPending(r.ID)
	other := e.client().open(e.link("acme", olga))
	if !strings.Contains(cardOf(t, other, r.ID), `action="`+approveURL(r.ID)+`"`) {
		t.Fatal("another admin is not offered the forms")
	}
}

func TestAlreadyApprovedByThisAdmin(t *testing.T) {
	e := newEnvWith(t, envOptions{requests: request.Config{Needed: 2}})
	e.SetAdmins("acme", ana, vic, olga)
	r := e.ask(request.Ask{Scopes: []string{"write", "pii"}})
	c, p := e.signedIn()
	decided(t, c, approveURL(r.ID), c.form(p, approveForm(url.Values{"scope": {"pii"}})), "approval")
	if e.active() != nil {
		t.Fatal("one of two approvals granted access")
	}
	after := c.get(page + "?done=approval")
	must(t, after, http.StatusOK, "Your approval is recorded.")
	mine := cardOf(t, after, r.ID)
	for _, want := range []string{"1 of 2 approvals so far", "ana@acme.test on 2030-01-02 03:04 UTC: Read-only, personal data visible, for 7 days",
		"You approved this on 2030-01-02 03:04 UTC."} {
		if !strings.Contains(mine, want) {
			t.Fatalf("card lacks %q: %s", want, mine)
		}
	}
	if strings.Contains(mine, "<form") {
		t.Fatalf("forms offered again: %s", mine)
	}
	for _, u := range []string{approveURL(r.ID), denyURL(r.ID)} {
		must(t, c.post(u, c.form(p, approveForm(nil))), http.StatusConflict, "Already approved",
			"You approved this access request already; it needs 1 more approval from another admin. Nothing was changed.")
	}

	o := e.client()
	op := o.open(e.link("acme", olga))
	if theirs := cardOf(t, op, r.ID); !strings.Contains(theirs, "The approvals so far give: Read-only, personal data visible, for 7 days.") {
		t.Fatalf("second admin's card: %s", theirs)
	}
	decided(t, o, approveURL(r.ID), o.form(op, approveForm(url.Values{"duration": {"1d"}})), "approved")
	g := e.active()
	if g == nil || !slices.Equal(g.Scopes, []string{"read", "pii"}) || !g.ExpiresAt.Equal(e.Clock.Now().Add(24*time.Hour)) || g.CreatedBy.ID != olga.ID {
		t.Fatalf("grant %+v", g)
	}
	if row := cardOf(t, o.page(), r.ID); !strings.Contains(row, "<b>approved</b> by ana@acme.test, olga@acme.test") {
		t.Fatalf("history row: %s", row)
	}
}

func TestEndedRequestsAreRefused(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	approved := e.ask(request.Ask{})
	denied := e.ask(request.Ask{Agent: cara})
	c, p := e.signedIn()
	decided(t, c, approveURL(approved.ID), c.form(p, approveForm(url.Values{"scope": nil})), "approved")
	decided(t, c, denyURL(denied.ID), c.form(p, nil), "denied")
	before := e.eventCount("acme")
	tests := []struct {
		name, url, want string
	}{
		{"approve the approved", approveURL(approved.ID), "This access request was already approved by ana@acme.test on 2030-01-02 03:04 UTC. Nothing was changed."},
		{"deny the approved", denyURL(approved.ID), "already approved by ana@acme.test"},
		{"approve the denied", approveURL(denied.ID), "This access request was already denied by ana@acme.test on 2030-01-02 03:04 UTC."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			must(t, c.post(tt.url, c.form(p, approveForm(nil))), http.StatusConflict, "Already decided", tt.want)
		})
	}
	if n := e.eventCount("acme"); n != before {
		t.Fatalf("refusals audited %d events", n-before)
	}
}

func TestExpiredRequestIsRefused(t *testing.T) {
	e := newEnvWith(t, envOptions{requests: request.Config{TTL: time.Hour}})
	r := e.ask(request.Ask{})
	c, p := e.signedIn()
	e.Clock.Add(time.Hour)
	for _, u := range []string{approveURL(r.ID), denyURL(r.ID)} {
		must(t, c.post(u, c.form(p, approveForm(nil))), http.StatusConflict, "Access request expired",
			"Nobody decided this access request by 2030-01-02 04:04 UTC, so it expired; the agent may ask again. Nothing was changed.")
	}
	if e.active() != nil {
		t.Fatal("an expired request granted access")
	}
	if got := e.request(r.ID); got.State != request.Expired {
		t.Fatalf("request %+v", got)
	}
	after := c.page()
	if row := cardOf(t, after, r.ID); !strings.Contains(row, "<b>expired</b>") || strings.Contains(after.body, approveURL(r.ID)) {
		t.Fatalf("expired request shown as %s", row)
	}
}

func TestDecisionFormsThatDidNotComeFromThePage(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	r := e.ask(request.Ask{})
	c, p := e.signedIn()
	before := e.eventCount("acme")
	with := func(name, v string) url.Values {
		f := c.form(p, approveForm(nil))
		f.Set(name, v)
		return f
	}
	without := func(name string) url.Values {
		f := c.form(p, approveForm(nil))
		f.Del(name)
		return f
	}
	origin := http.Header{"Origin": {e.srv.URL}}
	tests := []struct {
		name   string
		form   url.Values
		header http.Header
		want   string
	}{
		{"no csrf token", without("csrf"), origin, "Form refused"},
		{"wrong csrf token", with("csrf", strings.Repeat("A", 43)), origin, "Form refused"},
		{"cross-origin", c.form(p, approveForm(nil)), http.Header{"Origin": {"https://evil.example"}}, "Form refused"},
		{"cross-origin referer", c.form(p, approveForm(nil)), http.Header{"Referer": {"https://evil.example/x"}}, "Form refused"},
		{"no origin", c.form(p, approveForm(nil)), nil, "Form refused"},
		{"another tenant", with("tenant", "globex"), origin, "another tenant than acme"},
	}
	for _, tt := range tests {
		for _, u := range []string{approveURL(r.ID), denyURL(r.ID)} {
			t.Run(tt.name+u[strings.LastIndex(u, "/"):], func(t *testing.T) {
				must(t, c.do(http.MethodPost, u, tt.form, tt.header), http.StatusForbidden, tt.want)
			})
		}
	}
	e.stillPending(r.ID)
	if e.active() != nil || e.eventCount("acme") != before {
		t.Fatalf("a refused form changed something: %d events (had %d)", e.eventCount("acme"), before)
	}
	if r := e.client().post(approveURL(r.ID), c.form(p, approveForm(nil))); r.status != http.StatusForbidden ||
		!strings.Contains(r.body, "Your Support Access link has expired") {
		t.Fatalf("without a session: %d %.300s", r.status, r.body)
	}
}

func TestAnotherTenantsRequestIsNotFound(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	theirs := e.ask(request.Ask{Tenant: "globex", Reason: "Globex payroll is stuck"})
	c, p := e.signedIn()
	for _, u := range []string{approveURL(theirs.ID), denyURL(theirs.ID), approveURL("r_NOSUCHREQUEST")} {
		must(t, c.post(u, c.form(p, approveForm(nil))), http.StatusNotFound, "Access request not found", "There is no such access request for your tenant.")
	}
	e.stillPending(theirs.ID)
	peek := c.get(page + "?request=" + theirs.ID)
	must(t, peek, http.StatusOK, "The access request your link names is not one of acme's.")
	if strings.Contains(peek.body, "Globex payroll") || strings.Contains(peek.body, theirs.ID) {
		t.Fatalf("acme's admin sees globex's request: %.3000s", peek.body)
	}
	g := e.client()
	gp := g.open(e.link("globex", gus))
	if !strings.Contains(cardOf(t, gp, theirs.ID), "Globex payroll is stuck") {
		t.Fatal("globex's admin does not see the request")
	}
}

func TestARequestLinkBringsTheAdminToIt(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	older := e.ask(request.Ask{})
	e.Clock.Add(time.Minute)
	newer := e.ask(request.Ask{Agent: cara})
	c := e.client()
	r := c.press(e.link("acme", ana) + "&request=" + older.ID)
	want := page + "?request=" + older.ID + "#request-" + older.ID
	if r.status != http.StatusSeeOther || r.header.Get("Location") != want {
		t.Fatalf("opening the link: %d %q, want %q", r.status, r.header.Get("Location"), want)
	}
	before := e.eventCount("acme")
	plainPage := c.page()
	if strings.Index(plainPage.body, `id="request-`+newer.ID) > strings.Index(plainPage.body, `id="request-`+older.ID) {
		t.Fatal("pending requests are not newest first")
	}
	focused := c.get(page + "?request=" + older.ID)
	must(t, focused, http.StatusOK, `class="card notice request focus" id="request-`+older.ID+`"`)
	if strings.Index(focused.body, `id="request-`+older.ID) > strings.Index(focused.body, `id="request-`+newer.ID) {
		t.Fatal("the linked request does not come first")
	}
	for _, hostile := range []string{"<script>x", "r_NOSUCH", "../deny", strings.Repeat("r", 100)} {
		p := c.get(page + "?" + url.Values{"request": {hostile}}.Encode())
		must(t, p, http.StatusOK, "not one of acme's")
		if strings.Contains(p.body, "<script>x") {
			t.Fatal("a crafted link put markup on the page")
		}
	}
	if n := e.eventCount("acme"); n != before {
		t.Fatalf("a GET audited %d events", n-before)
	}
	e.stillPending(older.ID)

	decided(t, c, approveURL(newer.ID), c.form(focused, approveForm(url.Values{"scope": nil})), "approved")
	ended := c.get(page + "?request=" + newer.ID)
	endedCard := cardOf(t, ended, newer.ID)
	if !strings.Contains(endedCard, "This access request by Cara Desk (cara@support.example) has ended: approved by ana@acme.test on 2030-01-02 03:05 UTC.") {
		t.Fatalf("ended request: %s", endedCard)
	}
	if n := strings.Count(ended.body, `id="request-`+newer.ID+`"`); n != 1 {
		t.Fatalf("the ended request is on the page %d times", n)
	}
}

func TestDecisionPaths(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	r := e.ask(request.Ask{})
	c, p := e.signedIn()
	form := c.form(p, approveForm(nil))
	tests := []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, approveURL(r.ID) + "?" + form.Encode(), http.StatusMethodNotAllowed},
		{http.MethodGet, denyURL(r.ID), http.StatusMethodNotAllowed},
		{http.MethodPost, page + "/requests/" + r.ID, http.StatusNotFound},
		{http.MethodPost, page + "/requests/" + r.ID + "/approve/x", http.StatusNotFound},
		{http.MethodPost, page + "/requests/" + r.ID + "/grant", http.StatusNotFound},
		{http.MethodPost, page + "/requests//approve", http.StatusNotFound},
		{http.MethodPost, page + "/requests/a.b/approve", http.StatusNotFound},
		{http.MethodPost, page + "/requests/%3Cx%3E/approve", http.StatusNotFound},
		{http.MethodPost, page + "/requests/" + strings.Repeat("r", 65) + "/approve", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			if got := c.do(tt.method, tt.path, form, http.Header{"Origin": {e.srv.URL}}); got.status != tt.status {
				t.Fatalf("%d, want %d: %.300s", got.status, tt.status, got.body)
			}
		})
	}
	e.stillPending(r.ID)
}

func TestRequestsAreOffWithoutTheService(t *testing.T) {
	e := newEnvWith(t, envOptions{noRequests: true})
	c, p := e.signedIn()
	if strings.Contains(p.body, "Access requests") {
		t.Fatalf("page shows requests: %.2000s", p.body)
	}
	must(t, c.post(approveURL("r_X"), c.form(p, approveForm(nil))), http.StatusNotFound, "There is no such Support Access page.")
}

func TestApprovingAnExtension(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	g, err := e.Grants.Create(ctx(t), grant.CreateRequest{Tenant: "acme", Scopes: []string{"read"}, Duration: 24 * time.Hour,
		By: store.Actor{ID: ana.ID, Email: ana.Email, Role: ana.Role}})
	if err != nil {
		t.Fatal(err)
	}
	e.Clock.Add(2 * time.Hour)
	r := e.ask(request.Ask{Extension: true, Duration: "1d"})
	c, p := e.signedIn()
	ext := cardOf(t, p, r.ID)
	for _, want := range []string{"asks for more time on the current grant", "More time on the current grant: 1 day more",
		`<option value="1d" selected>1 day</option></select>`} {
		if !strings.Contains(ext, want) {
			t.Fatalf("extension card lacks %q: %s", want, ext)
		}
	}
	if strings.Contains(ext, `name="scope"`) || strings.Contains(ext, `name="area"`) {
		t.Fatalf("an extension offers scopes or areas: %s", ext)
	}
	decided(t, c, approveURL(r.ID), c.form(p, url.Values{"duration": {"1d"}}), "extended")
	got := e.active()
	if got == nil || got.ID != g.ID || !got.ExpiresAt.Equal(g.ExpiresAt.Add(24*time.Hour)) || len(got.Extensions) != 1 {
		t.Fatalf("grant after the extension %+v", got)
	}
	if notes := e.Notes(); len(notes) != 1 || notes[0].Event != grant.EventExtended {
		t.Fatalf("notifications %+v", notes)
	}
	after := c.get(page + "?done=extended")
	must(t, after, http.StatusOK, "The current grant has more time.", "for 1 day",
		"extended by ana@acme.test on 2030-01-02 05:04 UTC until 2030-01-04 03:04 UTC (1 day more)")
	if row := cardOf(t, after, r.ID); !strings.Contains(row, "Granted: 1 day more on the current grant") {
		t.Fatalf("history row: %s", row)
	}
}

func TestLinkAreasLimitApprovals(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	billing := e.ask(request.Ask{Agent: cara, Areas: []string{"billing"}})
	whole := e.ask(request.Ask{})
	c := e.client()
	p := c.open(e.areaLink("planning"))

	wc := cardOf(t, p, whole.ID)
	if got := checkedBoxes(wc); !slices.Equal(got, []string{"area=planning"}) || !strings.Contains(wc, "Keep at least one checked.") {
		t.Fatalf("whole-app request offers %v: %s", got, wc)
	}
	bc := cardOf(t, p, billing.ID)
	if !strings.Contains(bc, "Your link lets you grant only planning; this request asks for billing.") ||
		strings.Contains(bc, approveURL(billing.ID)) || !strings.Contains(bc, denyURL(billing.ID)) {
		t.Fatalf("billing request: %s", bc)
	}
	for _, tt := range []struct {
		id    string
		areas []string
	}{{whole.ID, nil}, {whole.ID, []string{"billing"}}, {billing.ID, []string{"billing"}}} {
		must(t, c.post(approveURL(tt.id), c.form(p, url.Values{"duration": {"7d"}, "area": tt.areas})), http.StatusForbidden,
			"You may grant access only to: planning")
	}
	e.stillPending(whole.ID)
	e.stillPending(billing.ID)
	decided(t, c, approveURL(whole.ID), c.form(p, url.Values{"duration": {"7d"}, "area": {"planning"}}), "approved")
	if g := e.active(); g == nil || !slices.Equal(g.Areas, []string{"planning"}) {
		t.Fatalf("grant %+v", g)
	}
}
