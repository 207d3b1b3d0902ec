package adminpage_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

func TestOpeningALinkShowsThePageWithoutTheToken(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	c := e.client()
	shown := c.get(e.link("acme", ana) + "&done=granted&visits=x")
	must(t, shown, http.StatusOK, "Support Access to acme", "for <b>Ana (ana@acme.test)</b>", "works once")
	if action, _ := continueForm(t, shown); action != page+"/open?visits=x" {
		t.Fatalf("Continue posts to %q", action)
	}
	if shown.header.Get("Cache-Control") != "no-store" || len(shown.header.Values("Set-Cookie")) != 0 {
		t.Fatalf("the link's page: headers %v", shown.header)
	}
	r := c.press(e.link("acme", ana) + "&done=granted&visits=x")
	if r.status != http.StatusSeeOther || r.header.Get("Location") != page+"?visits=x" {
		t.Fatalf("Continue: %d %q", r.status, r.header.Get("Location"))
	}
	if r.header.Get("Cache-Control") != "no-store" || r.header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("link answer headers %v", r.header)
	}
	p := c.page()
	must(t, p, http.StatusOK, "Support access to acme", "Ana (ana@acme.test)", "Support has no access to acme",
		`value="1d" checked`, `value="7d"`, `value="28d"`, `value="standing"`, "Until I revoke it (standing)",
		`value="read" checked`, `value="masked" checked`, "acme has never granted support access", "No support agent has visited acme")
	if strings.Contains(p.body, "<script") || p.header.Get("Content-Security-Policy") == "" {
		t.Fatal("the page has script or no CSP")
	}
}

func TestRefusedLinks(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	good := e.link("acme", ana)
	expiring, _, err := e.Links.Link(ctx(t), e.srv.URL, "/_lockbox", adminlink.Claims{Tenant: "acme", AdminID: ana.ID, Role: "owner", ExpiresAt: e.Clock.Now().Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	otherTenant := e.link("globex", ana) // signed, but ana is no admin of globex
	viewer := e.link("acme", vic)
	removed := e.link("acme", admins.Admin{ID: "u_gone", Role: "owner"})
	e.Clock.Add(2 * time.Minute)
	tests := []struct {
		name   string
		link   string
		status int
		want   string
	}{
		{"tampered", good[:len(good)-3] + "abc", http.StatusForbidden, "not valid"},
		{"truncated", good[:len(good)-40], http.StatusForbidden, "not valid"},
		{"token twice", good + "&token=x", http.StatusForbidden, "not valid"},
		{"empty token", e.srv.URL + page + "?token=", http.StatusForbidden, "not valid"},
		{"expired", expiring, http.StatusForbidden, "has expired"},
		{"other tenant", otherTenant, http.StatusForbidden, "not registered for tenant globex"},
		{"role not allowed", viewer, http.StatusForbidden, "may not change support access"},
		{"admin not registered", removed, http.StatusForbidden, "not registered for tenant acme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.client()
			r := c.get(tt.link)
			must(t, r, tt.status, tt.want)
			if len(r.header.Values("Set-Cookie")) != 0 {
				t.Fatalf("a refused link set %v", r.header.Values("Set-Cookie"))
			}
			must(t, c.get(page), http.StatusForbidden, "Your Support Access link has expired")
		})
	}
}

func TestWithoutASessionThePageSaysTheLinkExpired(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	must(t, e.client().get(page), http.StatusForbidden, "Your Support Access link has expired", "Open Support Access again")
	c, _ := e.signedIn()
	e.Clock.Add(adminlink.DefaultSessionTTL)
	must(t, c.get(page), http.StatusForbidden, "Your Support Access link has expired")
}

func TestGrantAndRevoke(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	c, p := e.signedIn()
	r := c.post(page+"/grants", c.form(p, grantForm(url.Values{"duration": {"7d"}, "note": {"ticket 4711"}})))
	if r.status != http.StatusSeeOther || r.header.Get("Location") != page+"?done=granted" {
		t.Fatalf("grant: %d %q %.300s", r.status, r.header.Get("Location"), r.body)
	}
	g := e.active()
	wantBy := store.Actor{ID: ana.ID, Email: ana.Email, Role: ana.Role}
	if g == nil || !slices.Equal(g.Scopes, []string{"read"}) || g.CreatedBy != wantBy || g.Note != "ticket 4711" ||
		!g.ExpiresAt.Equal(e.Clock.Now().Add(7*24*time.Hour)) {
		t.Fatalf("grant %+v", g)
	}
	p = c.get(page + "?done=granted")
	must(t, p, http.StatusOK, "Support access granted.", "Support can access acme</b> until 2030-01-09 03:04 UTC (7 days left)",
		"Read-only, personal data masked.", "Granted by ana@acme.test on 2030-01-02 03:04 UTC", "Revoke access now", "<b>active</b>", "for 7 days", "ticket 4711")

	e.Clock.Add(time.Hour)
	r = c.post(page+"/revoke", c.form(p, url.Values{"reason": {"case closed"}}))
	if r.status != http.StatusSeeOther || r.header.Get("Location") != page+"?done=revoked" {
		t.Fatalf("revoke: %d %q %.300s", r.status, r.header.Get("Location"), r.body)
	}
	ended, err := e.Grants.Get(ctx(t), "acme", g.ID)
	if err != nil || ended.EndReason != store.EndRevoked || *ended.EndedBy != wantBy || ended.EndNote != "case closed" {
		t.Fatalf("revoked grant %+v, %v", ended, err)
	}
	must(t, c.get(page+"?done=revoked"), http.StatusOK, "Support access revoked.", "Support has no access to acme",
		"revoked 2030-01-02 04:04 UTC by ana@acme.test", "Reason: case closed")

	r = c.post(page+"/revoke", c.form(p, nil))
	if r.header.Get("Location") != page+"?done=none" {
		t.Fatalf("revoking nothing: %d %q", r.status, r.header.Get("Location"))
	}
	must(t, c.get(page+"?done=none"), http.StatusOK, "Support had no access to revoke.")

	notes := e.Notes()
	if len(notes) != 2 || notes[0].Event != grant.EventCreated || notes[1].Event != grant.EventRevoked || notes[1].Tenant != "acme" ||
		notes[1].Payload.(store.Grant).ID != g.ID {
		t.Fatalf("notifications %+v", notes)
	}
}

func TestGrantChoices(t *testing.T) {
	tests := []struct {
		name     string
		form     url.Values
		scopes   []string
		standing bool
		length   time.Duration
		shows    string
	}{
		{"defaults", nil, []string{"read"}, false, 24 * time.Hour, "Read-only, personal data masked"},
		{"read and write", url.Values{"access": {"write"}}, []string{"read", "write"}, false, 24 * time.Hour, "Read and write, personal data masked"},
		{"personal data visible", url.Values{"pii": {"visible"}}, []string{"read", "pii"}, false, 24 * time.Hour, "Read-only, personal data visible"},
		{"28 days", url.Values{"duration": {"28d"}}, []string{"read"}, false, 28 * 24 * time.Hour, "(28 days left)"},
		{"standing", url.Values{"duration": {"standing"}, "access": {"write"}, "pii": {"visible"}}, []string{"read", "write", "pii"}, true, 0, "with no end date, until you revoke it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tenantadmin.Rules{})
			c, p := e.signedIn()
			if r := c.post(page+"/grants", c.form(p, grantForm(tt.form))); r.status != http.StatusSeeOther {
				t.Fatalf("grant: %d %.300s", r.status, r.body)
			}
			g := e.active()
			if g == nil || !slices.Equal(g.Scopes, tt.scopes) || g.Standing() != tt.standing ||
				(!tt.standing && !g.ExpiresAt.Equal(e.Clock.Now().Add(tt.length))) {
				t.Fatalf("grant %+v", g)
			}
			must(t, c.page(), http.StatusOK, tt.shows)
		})
	}
}

func TestFormsThatDidNotComeFromThePage(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	c, p := e.signedIn()
	g := e.grant("read")
	before := e.eventCount("acme")
	good := c.form(p, grantForm(nil))
	without := func(name string) url.Values {
		f := c.form(p, grantForm(nil))
		f.Del(name)
		return f
	}
	with := func(name, v string) url.Values {
		f := c.form(p, grantForm(nil))
		f.Set(name, v)
		return f
	}
	tests := []struct {
		name   string
		form   url.Values
		header http.Header
		want   string
	}{
		{"no csrf token", without("csrf"), http.Header{"Origin": {e.srv.URL}}, "Form refused"},
		{"wrong csrf token", with("csrf", strings.Repeat("A", 43)), http.Header{"Origin": {e.srv.URL}}, "Form refused"},
		{"cross-origin", good, http.Header{"Origin": {"https://evil.example"}}, "Form refused"},
		{"cross-origin referer", good, http.Header{"Referer": {"https://evil.example/x"}}, "Form refused"},
		{"other port", good, http.Header{"Origin": {"http://127.0.0.1:1"}}, "Form refused"},
		{"origin null", good, http.Header{"Origin": {"null"}}, "Form refused"},
		{"no origin or referer", good, nil, "Form refused"},
		{"another tenant", with("tenant", "globex"), http.Header{"Origin": {e.srv.URL}}, "another tenant than acme"},
		{"no tenant", without("tenant"), http.Header{"Origin": {e.srv.URL}}, "another tenant than acme"},
	}
	for _, tt := range tests {
		for _, path := range []string{"/grants", "/revoke", "/signout"} {
			t.Run(tt.name+path, func(t *testing.T) {
				must(t, c.do(http.MethodPost, page+path, tt.form, tt.header), http.StatusForbidden, tt.want)
			})
		}
	}
	if a := e.active(); a == nil || a.ID != g.ID || e.eventCount("acme") != before {
		t.Fatalf("a refused form changed something: active %+v, %d events (had %d)", a, e.eventCount("acme"), before)
	}
	must(t, c.page(), http.StatusOK, "Support can access acme")
	if len(e.Notes()) != 0 {
		t.Fatalf("notified %+v", e.Notes())
	}
}

func TestNoSessionFormIsRefused(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	c := e.client()
	form := url.Values{"csrf": {strings.Repeat("A", 43)}, "tenant": {"acme"}, "duration": {"1d"}, "access": {"read"}, "pii": {"masked"}}
	must(t, c.post(page+"/grants", form), http.StatusForbidden, "Your Support Access link has expired")
	if e.active() != nil {
		t.Fatal("a form without a session granted access")
	}
}

func TestASessionActsOnlyForItsTenant(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	c, p := e.signedIn() // ana, acme
	f := c.form(p, grantForm(nil))
	f.Set("tenant", "globex")
	must(t, c.post(page+"/grants", f), http.StatusForbidden, "another tenant than acme")
	if _, err := e.Grants.Current(ctx(t), "globex"); err == nil {
		t.Fatal("acme's admin granted access to globex")
	}
	// gus's session on globex cannot see acme's visits either.
	s := store.Session{ID: "s_acme", Tenant: "acme", Agent: store.Agent{Subject: "bob"}, Scopes: []string{"read"}, StartedAt: e.Clock.Now(), EndsAt: e.Clock.Now().Add(time.Hour)}
	if err := e.Store.PutSession(ctx(t), s); err != nil {
		t.Fatal(err)
	}
	g := e.client()
	g.open(e.link("globex", gus))
	must(t, g.get(page+"/sessions/s_acme"), http.StatusNotFound, "no such support visit to globex")
	must(t, c.get(page+"/sessions/s_acme"), http.StatusOK, "Visit by bob")
}

func TestBadGrantInput(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	c, p := e.signedIn()
	tests := []struct {
		name string
		form url.Values
		want string
	}{
		{"duration not offered", url.Values{"duration": {"3d"}}, "Duration &#34;3d&#34; is not offered; choose 1d, 7d, 28d or standing"},
		{"hours not offered", url.Values{"duration": {"36h"}}, "is not offered"},
		{"longer than offered", url.Values{"duration": {"400d"}}, "is not offered"},
		{"garbage duration", url.Values{"duration": {"soon"}}, "is not offered"},
		{"no duration", url.Values{"duration": {""}}, "Give a duration (1d, 7d, 28d or standing)"},
		{"two durations", url.Values{"duration": {"1d", "standing"}}, "sent duration twice"},
		{"unknown access", url.Values{"access": {"admin"}}, "Choose read-only or read and write"},
		{"no pii choice", url.Values{"pii": {""}}, "masked or visible"},
		{"note with a newline", url.Values{"note": {"a\nb"}}, "Note must not contain control characters"},
		{"long note", url.Values{"note": {strings.Repeat("n", grant.MaxNote+1)}}, "Note is too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			must(t, c.post(page+"/grants", c.form(p, grantForm(tt.form))), http.StatusBadRequest, "Please check the form", tt.want)
		})
	}
	g := e.grant("read")
	must(t, c.post(page+"/revoke", c.form(p, url.Values{"reason": {"x\x00y"}})), http.StatusBadRequest, "Reason must not contain control characters")
	if a := e.active(); a == nil || a.ID != g.ID {
		t.Fatalf("bad input changed the grant: %+v", a)
	}
}

func TestStandingCanBeRefused(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{Durations: []time.Duration{time.Hour, 48 * time.Hour}, NoStanding: true})
	c, p := e.signedIn()
	if strings.Contains(p.body, `value="standing"`) || !strings.Contains(p.body, `value="1h0m0s" checked`) || !strings.Contains(p.body, "> 2 days</label>") {
		t.Fatalf("choices on the page: %.3000s", p.body)
	}
	must(t, c.post(page+"/grants", c.form(p, grantForm(url.Values{"duration": {"standing"}}))), http.StatusBadRequest, "Standing grants are not offered; choose 1h0m0s or 2d")
	must(t, c.post(page+"/grants", c.form(p, grantForm(url.Values{"duration": {"1d"}}))), http.StatusBadRequest, "is not offered")
	if r := c.post(page+"/grants", c.form(p, grantForm(url.Values{"duration": {"2d"}}))); r.status != http.StatusSeeOther {
		t.Fatalf("an offered duration: %d %.300s", r.status, r.body)
	}
}

func TestTheRegistryIsReadOnEveryRequest(t *testing.T) {
	tests := []struct {
		name   string
		change []admins.Admin
		want   string
	}{
		{"admin removed", []admins.Admin{vic}, "Admin &#34;u_ana&#34; is not registered for tenant acme."},
		{"role lowered", []admins.Admin{{ID: ana.ID, Email: ana.Email, Role: "viewer"}}, "Role &#34;viewer&#34; may not change support access"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tenantadmin.Rules{})
			c, p := e.signedIn()
			e.SetAdmins("acme", tt.change...)
			must(t, c.post(page+"/grants", c.form(p, grantForm(nil))), http.StatusForbidden, tt.want)
			if e.active() != nil {
				t.Fatal("access granted by an admin who may no longer act")
			}
			must(t, c.get(page), http.StatusForbidden, tt.want)
			if r := c.post(page+"/signout", c.form(p, nil)); r.status != http.StatusOK {
				t.Fatalf("sign out: %d", r.status)
			}
		})
	}
}

func TestTheRegistryDecidesWhoIsRecorded(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	c, p := e.signedIn()
	renamed := admins.Admin{ID: ana.ID, Email: "ana.new@acme.test", Role: "admin"}
	e.SetAdmins("acme", renamed)
	if r := c.post(page+"/grants", c.form(p, grantForm(nil))); r.status != http.StatusSeeOther {
		t.Fatalf("grant: %d %.300s", r.status, r.body)
	}
	if g := e.active(); g == nil || g.CreatedBy != (store.Actor{ID: ana.ID, Email: renamed.Email, Role: "admin"}) {
		t.Fatalf("grant by %+v, want the registry's record", g)
	}
}

func TestUserTextIsEscaped(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	evil := admins.Admin{ID: "u_x", Email: "x@acme.test", Name: `<script>alert("name")</script>`, Role: "owner"}
	e.SetAdmins("acme", evil)
	c := e.client()
	p := c.open(e.link("acme", evil))
	r := c.post(page+"/grants", c.form(p, grantForm(url.Values{"note": {`<img src=x onerror=alert("note")>`}})))
	if r.status != http.StatusSeeOther {
		t.Fatalf("grant: %d %.300s", r.status, r.body)
	}
	r = c.post(page+"/revoke", c.form(p, url.Values{"reason": {`</td><script>alert("reason")</script>`}}))
	if r.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d %.300s", r.status, r.body)
	}
	s := store.Session{ID: "s_1", Tenant: "acme", Agent: store.Agent{Subject: "bob", Name: `<b onclick="x">Bob</b>`, Email: "bob@support.example"},
		Scopes: []string{"read"}, StartedAt: e.Clock.Now(), EndsAt: e.Clock.Now().Add(time.Hour), BreakGlass: true, Reason: `<script>alert("why")</script>`}
	if err := e.Store.PutSession(ctx(t), s); err != nil {
		t.Fatal(err)
	}
	ev := store.Event{Type: "http.request", Time: e.Clock.Now(), Session: "s_1", Data: []byte(`{"method":"GET","path":"/<script>alert(\"path\")</script>","status":200}`)}
	if _, err := e.Store.AppendEvents(ctx(t), "acme", ev); err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{c.page().body, c.get(page + "/sessions/s_1").body} {
		for _, raw := range []string{"<script>", "<img", "<b onclick", "</td><script"} {
			if strings.Contains(body, raw) {
				t.Fatalf("raw %q on the page: %.4000s", raw, body)
			}
		}
	}
	must(t, c.page(), http.StatusOK, "&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt;", "&lt;img src=x onerror=alert(&#34;note&#34;)&gt;",
		"&lt;/td&gt;&lt;script&gt;alert(&#34;reason&#34;)", "&lt;b onclick=&#34;x&#34;&gt;Bob&lt;/b&gt;", "&lt;script&gt;alert(&#34;why&#34;)")
	must(t, c.get(page+"/sessions/s_1"), http.StatusOK, "/&lt;script&gt;alert(&#34;path&#34;)&lt;/script&gt;")
}

func TestGetNeverChangesAnything(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	c, p := e.signedIn()
	g := e.grant("read")
	before := e.eventCount("acme")
	form := c.form(p, grantForm(url.Values{"duration": {"standing"}, "reason": {"x"}}))
	tests := []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, page + "?" + form.Encode(), http.StatusOK},
		{http.MethodHead, page, http.StatusOK},
		{http.MethodGet, page + "/grants?" + form.Encode(), http.StatusMethodNotAllowed},
		{http.MethodGet, page + "/revoke?" + form.Encode(), http.StatusMethodNotAllowed},
		{http.MethodHead, page + "/revoke", http.StatusMethodNotAllowed},
		{http.MethodGet, page + "/signout?" + form.Encode(), http.StatusMethodNotAllowed},
		{http.MethodPut, page + "/grants", http.StatusMethodNotAllowed},
		{http.MethodDelete, page + "/revoke", http.StatusMethodNotAllowed},
		{http.MethodPost, page, http.StatusMethodNotAllowed},
		{http.MethodGet, page + "/sessions/", http.StatusNotFound},
		{http.MethodGet, page + "/nope", http.StatusNotFound},
		{http.MethodGet, "/_lockbox/administrator", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			if r := c.do(tt.method, tt.path, nil, nil); r.status != tt.status {
				t.Fatalf("%d, want %d: %.300s", r.status, tt.status, r.body)
			}
		})
	}
	if a := e.active(); a == nil || a.ID != g.ID || !slices.Equal(a.Scopes, []string{"read"}) || e.eventCount("acme") != before {
		t.Fatalf("a GET changed something: %+v, %d events (had %d)", a, e.eventCount("acme"), before)
	}
	if r := c.do(http.MethodGet, page+"/revoke", nil, nil); r.header.Get("Allow") != "POST" {
		t.Fatalf("Allow %q", r.header.Get("Allow"))
	}
}

func TestSignOut(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	c, p := e.signedIn()
	r := c.post(page+"/signout", c.form(p, nil))
	must(t, r, http.StatusOK, "You are signed out of Support Access")
	must(t, c.get(page), http.StatusForbidden, "Your Support Access link has expired")
	must(t, c.post(page+"/grants", c.form(p, grantForm(nil))), http.StatusForbidden, "Your Support Access link has expired")
}

func TestStoreDownIsUnavailable(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	c, p := e.signedIn()
	_ = e.Store.Close()
	must(t, c.get(page), http.StatusServiceUnavailable, "Lockbox cannot reach its store right now")
	must(t, c.post(page+"/grants", c.form(p, grantForm(nil))), http.StatusServiceUnavailable, "Nothing was changed")
}

func TestALinkNeedsHTTPSOffLoopback(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	action, token := continueForm(t, e.client().get(e.link("acme", ana)))
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+action, strings.NewReader(url.Values{"token": {token}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Host = "support.example.com"
	req.Header.Set("Origin", "http://support.example.com")
	res, err := plain.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || len(res.Cookies()) != 0 {
		t.Fatalf("plain HTTP to a public host: %d, cookies %v", res.StatusCode, res.Cookies())
	}
}

func TestAMailScannerFetchingTheLinkChangesNothing(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	link := e.link("acme", ana)
	g := e.grant("read")
	before := e.eventCount("acme")
	for _, method := range []string{http.MethodHead, http.MethodGet} {
		scanner := e.client()
		scanner.c.CheckRedirect = nil // scanners follow redirects
		if r := scanner.do(method, link, nil, nil); r.status != http.StatusOK {
			t.Fatalf("%s of the link: %d", method, r.status)
		}
	}
	if a := e.active(); a == nil || a.ID != g.ID || e.eventCount("acme") != before {
		t.Fatalf("fetching the link changed something: %+v, %d events (had %d)", a, e.eventCount("acme"), before)
	}
	must(t, e.client().open(link), http.StatusOK, "Support can access acme") // it still opens for the admin
}
