package adminpage_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

// spent reports whether link has been used, read from the store.
func (e *env) spent(link string) bool {
	e.t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		e.t.Fatal(err)
	}
	c, err := e.Links.Verify(ctx(e.t), u.Query().Get("token"))
	if err != nil {
		e.t.Fatal(err)
	}
	ss := adminlink.NewSessions(e.Store, e.Links, 0, e.Clock.Now)
	_, used, err := ss.Spent(ctx(e.t), c)
	if err != nil {
		e.t.Fatal(err)
	}
	return used
}

func TestALinkOpensOnceEvenAfterSigningOut(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	link := e.link("acme", ana)
	c := e.client()
	p := c.open(link)
	e.Clock.Add(time.Minute)
	must(t, c.post(page+"/signout", c.form(p, nil)), http.StatusOK, "You are signed out")

	for name, b := range map[string]*client{"the same browser": c, "another browser": e.client()} {
		t.Run(name, func(t *testing.T) {
			shown := b.get(link)
			must(t, shown, http.StatusForbidden, "This Support Access link was already used", "on 2030-01-02 03:04 UTC", "Open Support Access again")
			if strings.Contains(shown.body, `id="continue"`) || len(shown.header.Values("Set-Cookie")) != 0 {
				t.Fatalf("a used link still offers to continue: %.600s", shown.body)
			}
			// A Continue form kept from before is refused too.
			r := b.post(page+"/open", url.Values{"token": {mustToken(t, link)}})
			must(t, r, http.StatusForbidden, "already used")
			if len(r.header.Values("Set-Cookie")) != 0 {
				t.Fatalf("a used link set %v", r.header.Values("Set-Cookie"))
			}
			must(t, b.get(page), http.StatusForbidden, "Your Support Access link has expired")
		})
	}
	e.client().open(e.link("acme", ana)) // a new link opens
}

func TestTheBrowserThatUsedALinkGoesStraightToThePage(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	link := e.link("acme", ana)
	c := e.client()
	shown := c.get(link + "&visits=x")
	action, token := continueForm(t, shown)
	if r := c.post(action, url.Values{"token": {token}}); r.status != http.StatusSeeOther {
		t.Fatalf("Continue: %d %.300s", r.status, r.body)
	}
	// Pressing Continue twice, or opening the link again, is no error.
	for _, r := range []resp{c.post(action, url.Values{"token": {token}}), c.get(link + "&visits=x")} {
		if r.status != http.StatusSeeOther || r.header.Get("Location") != page+"?visits=x" {
			t.Fatalf("the same browser again: %d %q %.300s", r.status, r.header.Get("Location"), r.body)
		}
	}
	c.page()
	// A session the browser got from another link does not count.
	other := e.client()
	other.open(e.link("acme", ana))
	must(t, other.get(link), http.StatusForbidden, "already used")
}

func TestFetchingALinkSpendsNothing(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	link := e.link("acme", ana)
	for _, method := range []string{http.MethodHead, http.MethodGet, http.MethodGet} {
		scanner := e.client()
		scanner.c.CheckRedirect = nil // scanners follow redirects
		r := scanner.do(method, link+"&request=r_x", nil, nil)
		if r.status != http.StatusOK || len(r.header.Values("Set-Cookie")) != 0 {
			t.Fatalf("%s of the link: %d, cookies %v", method, r.status, r.header.Values("Set-Cookie"))
		}
		if method == http.MethodGet && !strings.Contains(r.body, `id="continue"`) {
			t.Fatalf("the link's page: %.600s", r.body)
		}
	}
	if e.spent(link) {
		t.Fatal("fetching the link spent it")
	}
	must(t, e.client().open(link), http.StatusOK, "Support has no access to acme")
	if !e.spent(link) {
		t.Fatal("Continue did not spend the link")
	}
}

func TestContinueFromAnotherSiteIsRefused(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	link := e.link("acme", ana)
	token := mustToken(t, link)
	u, _ := url.Parse(e.srv.URL)
	tests := map[string]http.Header{
		"foreign origin":     {"Origin": {"http://evil.example"}},
		"null origin":        {"Origin": {"null"}},
		"another port":       {"Origin": {"http://" + u.Hostname() + ":1"}},
		"https origin":       {"Origin": {"https://" + u.Host}},
		"no origin":          {},
		"foreign referer":    {"Referer": {"http://evil.example/" + u.Host}},
		"origin with a user": {"Origin": {"http://x@" + u.Host}},
	}
	for name, h := range tests {
		t.Run(name, func(t *testing.T) {
			c := e.client()
			r := c.do(http.MethodPost, page+"/open", url.Values{"token": {token}}, h)
			must(t, r, http.StatusForbidden, "did not come from the Support Access link")
			if len(r.header.Values("Set-Cookie")) != 0 {
				t.Fatalf("a refused Continue set %v", r.header.Values("Set-Cookie"))
			}
			must(t, c.get(page), http.StatusForbidden, "Your Support Access link has expired")
		})
	}
	if e.spent(link) {
		t.Fatal("a refused Continue spent the link")
	}
	e.client().open(link)
}

func TestContinueRefusesBadTokens(t *testing.T) {
	e := newEnv(t, tenantadmin.Rules{})
	good := mustToken(t, e.link("acme", ana))
	viewer := mustToken(t, e.link("acme", vic))
	tests := []struct {
		name string
		form url.Values
		path string
		want string
	}{
		{"no token", url.Values{}, page + "/open", "not valid"},
		{"two tokens", url.Values{"token": {good, good}}, page + "/open", "not valid"},
		{"token in the query only", url.Values{}, page + "/open?token=" + url.QueryEscape(good), "not valid"},
		{"tampered", url.Values{"token": {good[:len(good)-2] + "xx"}}, page + "/open", "not valid"},
		{"role not allowed", url.Values{"token": {viewer}}, page + "/open", "may not change support access"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.client()
			r := c.post(tt.path, tt.form)
			must(t, r, http.StatusForbidden, tt.want)
			if len(r.header.Values("Set-Cookie")) != 0 {
				t.Fatalf("a refused Continue set %v", r.header.Values("Set-Cookie"))
			}
		})
	}
	if r := e.client().get(page + "/open"); r.status != http.StatusMethodNotAllowed {
		t.Fatalf("GET of the Continue route: %d", r.status)
	}
}

// mustToken is the token of link.
func mustToken(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Query().Get("token") == "" {
		t.Fatalf("no token in %q", link)
	}
	return u.Query().Get("token")
}
