package caddymodule_test

import (
	"encoding/base64"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"

	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// linkCaddyfile is one site on a bolt store with the Support Access page,
// and more lines for the lockbox global block.
var linkCaddyfile = template.Must(template.New("Caddyfile").Parse(`{
	admin {{.Admin}}
	default_bind 127.0.0.1
	http_port {{.Port}}
	lockbox {
		storage bolt {{.DB}}
		{{.Global}}
	}
}

http://127.0.0.1:{{.Port}} {
	lockbox {
		oidc {{.IdP}} {
			client_id ` + e2eClientID + `
			client_secret {env.OIDC_CLIENT_SECRET}
		}
		role support groups support scopes read
	}
	reverse_proxy {{.Upstream}}
}
`))

// linkConfig fills linkCaddyfile.
type linkConfig struct {
	Admin, IdP, Upstream, DB, Global string
	Port                             int
}

// startLinkGateway runs lockbox with linkCaddyfile and registers ana as
// acme's owner.
func startLinkGateway(t *testing.T, global string) *gatewayProc {
	t.Helper()
	g := newGatewayProc(t, lockboxBinary(t))
	idp := startIdP(t, []*gatewayProc{g})
	g.launchWith(linkCaddyfile, linkConfig{Admin: g.admin, Port: g.port, IdP: idp.Issuer(), Upstream: startEchoApp(t).hostport(),
		DB: filepath.Join(t.TempDir(), "lockbox.db"), Global: global})
	g.ok("admins", "set", "--tenant", "acme", "--by", e2eOperator, "--admin", "id=a1,email=ana@acme.example,name=Ana,role=owner")
	return g
}

// cliLink makes a link for ana with `lockbox link`.
func cliLink(g *gatewayProc) string {
	g.t.Helper()
	r := g.lockbox("link", "--tenant", "acme", "--admin", "a1", "--ttl", "2h")
	link := strings.TrimSuffix(r.stdout, "\n")
	if r.code != 0 || !strings.HasPrefix(link, g.site+"/_lockbox/admin?token=") {
		g.t.Fatalf("lockbox link: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	return link
}

// wantAdminPage fails unless p is acme's Support Access page without a
// token in its address.
func wantAdminPage(t *testing.T, what string, p reply) {
	t.Helper()
	if p.status != http.StatusOK || p.url.Path != "/_lockbox/admin" || p.url.RawQuery != "" || !strings.Contains(p.body, "Support access to acme") {
		t.Fatalf("%s: %d at %s: %.600s", what, p.status, p.url, p.body)
	}
}

// TestAdminLinkOpensOnceThroughCaddy: mail scanners fetching a link
// change nothing; Continue from another site is refused; the admin's
// Continue opens the page; after signing out, the same link opens
// nothing, in that browser or any other.
func TestAdminLinkOpensOnceThroughCaddy(t *testing.T) {
	g := startLinkGateway(t, "")
	link := cliLink(g)

	for range 2 {
		scanner := newAgentBrowser(t, g.site)
		p := scanner.do(call{url: link, follow: true})
		if p.status != http.StatusOK || !strings.Contains(p.body, `id="continue"`) || scanner.cookieHeader() != "" {
			t.Fatalf("a scanner's fetch: %d, cookies %q: %.400s", p.status, scanner.cookieHeader(), p.body)
		}
		token := continueToken.FindStringSubmatch(p.body)
		foreign := scanner.do(call{method: http.MethodPost, url: "/_lockbox/admin/open", form: url.Values{"token": {html.UnescapeString(token[1])}},
			header: http.Header{"Origin": {"http://evil.example"}}})
		wantRefusal(t, "Continue from another site", foreign, http.StatusForbidden, "did not come from the Support Access link")
	}

	ana := newAgentBrowser(t, g.site)
	page := ana.openAdminLink(link)
	wantAdminPage(t, "the admin's Continue", page)
	wantAdminPage(t, "the link again in the same browser", ana.do(call{url: link, follow: true}))

	csrf := testkit.FormCSRF(t, page.body)
	out := ana.do(call{method: http.MethodPost, url: "/_lockbox/admin/signout", form: url.Values{"csrf": {csrf}, "tenant": {"acme"}}})
	wantRefusal(t, "signing out", out, http.StatusOK, "signed out")

	for name, b := range map[string]*agentBrowser{"the same browser": ana, "another browser": newAgentBrowser(t, g.site)} {
		wantRefusal(t, name+" opening the link after signing out", b.do(call{url: link, follow: true}), http.StatusForbidden,
			"This Support Access link was already used", "Open Support Access again")
		token, _ := url.Parse(link)
		again := b.do(call{method: http.MethodPost, url: "/_lockbox/admin/open", form: url.Values{"token": {token.Query().Get("token")}}})
		wantRefusal(t, name+" pressing Continue after signing out", again, http.StatusForbidden, "already used")
		wantRefusal(t, name+" on the page", b.get("/_lockbox/admin"), http.StatusForbidden, "Your Support Access link has expired")
	}
	wantAdminPage(t, "a new link", newAgentBrowser(t, g.site).openAdminLink(cliLink(g)))
}

// TestRotateLinkKeyThroughCaddy: after `lockbox keys rotate --links` new
// links name the new key, and a link made before still opens.
func TestRotateLinkKeyThroughCaddy(t *testing.T) {
	g := startLinkGateway(t, "")
	before := cliLink(g)

	out := g.ok("keys", "rotate", "--links")
	wantContains(t, out, "Rotated the admin link key: new links are signed with key ", "Links signed with the previous key keep opening until they expire", "(in 30d)")
	var rot struct {
		KID string `json:"kid"`
	}
	g.okJSON(&rot, "keys", "rotate", "--links", "--json")
	after := cliLink(g)
	if testkit.LinkKID(t, after) != rot.KID || testkit.LinkKID(t, before) == rot.KID || testkit.LinkKID(t, before) == "" {
		t.Fatalf("kids: before %q, after %q, rotated to %q", testkit.LinkKID(t, before), testkit.LinkKID(t, after), rot.KID)
	}
	wantAdminPage(t, "a link made before two rotations", newAgentBrowser(t, g.site).openAdminLink(before))
	wantAdminPage(t, "a link of the new key", newAgentBrowser(t, g.site).openAdminLink(after))
	tampered := strings.Replace(after, "token=", "token=x", 1)
	wantRefusal(t, "a tampered link", newAgentBrowser(t, g.site).do(call{url: tampered}), http.StatusForbidden, "not valid")
}

// TestLinkKeyFileThroughCaddy: with link_key_file, links open, and the
// key is not rotated by Lockbox.
func TestLinkKeyFileThroughCaddy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "links.key")
	key := base64.StdEncoding.EncodeToString([]byte("e2e-link-key-0123456789abcdefghij"))
	if err := os.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	g := startLinkGateway(t, "link_key_file "+path)
	link := cliLink(g)
	wantAdminPage(t, "a link of the file's key", newAgentBrowser(t, g.site).openAdminLink(link))
	wantOneLineError(t, g.lockbox("keys", "rotate", "--links"), "the admin link key comes from link_key_file")
}

// TestAdminLinkOpensOnceAcrossGatewaysOnRedis: two lockbox processes on
// one Redis. A link opened on one is used on the other too; after a
// rotation on one, the other opens links of the new key and the old.
func TestAdminLinkOpensOnceAcrossGatewaysOnRedis(t *testing.T) {
	rs := redistest.Start(t)
	e := newAgentEnv(t, envOptions{storage: "redis " + rs.URL(), instances: 2})
	a, b := e.gws[0], e.gws[1]
	a.ok("admins", "set", "--tenant", "acme", "--by", e2eOperator, "--admin", "id=a1,email=ana@acme.example,name=Ana,role=owner")

	link := cliLink(a)
	onB := strings.Replace(link, a.site, b.site, 1)
	wantAdminPage(t, "the link opened on the second gateway", newAgentBrowser(t, b.site).openAdminLink(onB))
	wantRefusal(t, "the same link on the first gateway", newAgentBrowser(t, a.site).do(call{url: link, follow: true}),
		http.StatusForbidden, "This Support Access link was already used")

	before := cliLink(a)
	wantContains(t, b.ok("keys", "rotate", "--links"), "Rotated the admin link key")
	fresh := cliLink(b)
	wantAdminPage(t, "a link of the new key on the gateway that did not rotate",
		newAgentBrowser(t, a.site).openAdminLink(strings.Replace(fresh, b.site, a.site, 1)))
	wantAdminPage(t, "a link of the old key on the gateway that rotated",
		newAgentBrowser(t, b.site).openAdminLink(strings.Replace(before, a.site, b.site, 1)))
}
