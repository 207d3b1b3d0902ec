package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/lockbox-gw/lockbox/internal/devidp"
	"github.com/lockbox-gw/lockbox/internal/pages"
)

func TestParseForms(t *testing.T) {
	page := `<p>x</p>
<FORM class="a" method="post" action="/_lockbox/sessions?x=1&amp;y=2">
  <input value="t&amp;k" type="hidden" name="csrf">
  <input type="hidden" name="tenant" value="acme">
  <input type="text" placeholder="no name">
  <button type="submit" name="go" value="1">Enter</button>
</FORM>
<form action="login"><button name="user" value="alice">a</button><button name="user" value="bob">b</button></form>`
	forms := parseForms(page)
	if len(forms) != 2 {
		t.Fatalf("found %d forms, want 2: %+v", len(forms), forms)
	}
	f := forms[0]
	if f.action != "/_lockbox/sessions?x=1&y=2" || f.fields.Get("csrf") != "t&k" || f.fields.Get("tenant") != "acme" || f.fields.Get("go") != "1" || len(f.fields) != 3 {
		t.Errorf("first form = %+v", f)
	}
	if got := forms[1].fields["user"]; strings.Join(got, ",") != "alice,bob" {
		t.Errorf("second form's user buttons = %q", got)
	}
}

// consolePage renders Lockbox's real console for an agent who may enter
// the given tenants.
func consolePage(t *testing.T, csrf string, tenants ...string) string {
	t.Helper()
	c := pages.Console{Prefix: consolePrefix, CSRF: csrf, Now: time.Now()}
	for _, tn := range tenants {
		c.Tenants = append(c.Tenants, pages.TenantRow{Tenant: tn, Scopes: []string{"read"}, GrantedBy: "ops:bench"})
	}
	rec := httptest.NewRecorder()
	pages.Render(rec, "console.html", c)
	if rec.Code != http.StatusOK {
		t.Fatalf("rendering the console: %d\n%s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

func TestEnterForm(t *testing.T) {
	page := consolePage(t, "tok+en/&=", "globex", "acme")
	f, err := enterForm(page, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if f.action != consolePrefix+"/sessions" || f.fields.Get("csrf") != "tok+en/&=" || f.fields.Get("tenant") != "acme" {
		t.Errorf("enter form = %+v", f)
	}
}

func TestEnterFormWithoutGrant(t *testing.T) {
	_, err := enterForm(consolePage(t, "token", "globex"), "acme")
	if err == nil || !strings.Contains(err.Error(), "no way into tenant acme") {
		t.Errorf("error = %v, want one saying the console offers no way into acme", err)
	}
}

// TestUserFormSignsIn walks the development provider's real login page:
// the form found for bob completes the sign-in with a code for the client.
func TestUserFormSignsIn(t *testing.T) {
	callback := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "callback")
	}))
	defer callback.Close()
	idp, err := devidp.Start("127.0.0.1:0", devidp.Config{
		Clients: []devidp.Client{{ID: oidcClientID, Secret: "s", RedirectURIs: []string{callback.URL + "/cb"}}},
		Logger:  slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer idp.Close()
	oc := oauth2.Config{
		ClientID: oidcClientID, RedirectURL: callback.URL + "/cb", Scopes: []string{"openid"},
		Endpoint: oauth2.Endpoint{AuthURL: idp.Issuer() + "/authorize"},
	}
	b := newBrowser()
	req := httptestRequest(t, http.MethodGet, oc.AuthCodeURL("state", oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
	page, at, err := b.page(req)
	if err != nil {
		t.Fatal(err)
	}
	f, err := userForm(page, agentUser)
	if err != nil {
		t.Fatal(err)
	}
	req, err = formRequest(t.Context(), at, f, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, at, err = b.page(req); err != nil {
		t.Fatal(err)
	}
	if at.Path != "/cb" || at.Query().Get("code") == "" || at.Query().Get("state") != "state" {
		t.Errorf("sign-in ended at %s, want the callback with a code", at)
	}
	if _, err := userForm(page, "mallory"); err == nil {
		t.Error("found a sign-in button for an unknown user")
	}
}

func httptestRequest(t *testing.T, method, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
