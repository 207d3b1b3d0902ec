package caddymodule_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/lockbox-gw/lockbox/internal/devidp"
	"github.com/lockbox-gw/lockbox/internal/notify"
)

// adminsCaddyfile is a gateway with a webhook endpoint and one site
// whose lockbox handler serves the Support Access page; other traffic
// gets "ok".
const adminsCaddyfile = `{
	admin %s
	default_bind 127.0.0.1
	http_port %d
	lockbox {
		storage bolt %s
		webhook %s {
			secret %s
		}
	}
}

%s {
	lockbox {
		oidc %s {
			client_id ` + e2eClientID + `
			client_secret {env.OIDC_CLIENT_SECRET}
		}
		role support groups support scopes read
	}
	respond "ok"
}
`

// webhookSink is a webhook endpoint that passes on the type of every
// request signed with its secret.
type webhookSink struct {
	url, secret string
	types       chan string
}

func startWebhookSink(t *testing.T) *webhookSink {
	t.Helper()
	sink := &webhookSink{secret: notify.NewSecret(), types: make(chan string, 10)}
	wh, err := standardwebhooks.NewWebhook(sink.secret)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err == nil {
			err = wh.Verify(body, r.Header)
		}
		var msg struct{ Type string }
		if err == nil {
			err = json.Unmarshal(body, &msg)
		}
		if err != nil {
			t.Errorf("webhook refused: %v", err)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		sink.types <- msg.Type
	}))
	t.Cleanup(srv.Close)
	sink.url = srv.URL + "/hooks/lockbox"
	return sink
}

// startAdminsGateway runs lockbox with adminsCaddyfile until the test
// ends.
func startAdminsGateway(t *testing.T, sink *webhookSink) *instance {
	t.Helper()
	bin := lockboxBinary(t)
	s := &instance{t: t, bin: bin, env: append(isolatedEnv(t), "OIDC_CLIENT_SECRET="+e2eClientSecret)}
	httpPort := freePort(t)
	s.admin = fmt.Sprintf("127.0.0.1:%d", freePort(t))
	s.site = fmt.Sprintf("http://127.0.0.1:%d", httpPort)
	idp, err := devidp.Start("127.0.0.1:0", devidp.Config{
		Clients: []devidp.Client{{ID: e2eClientID, Secret: e2eClientSecret, RedirectURIs: []string{s.site + "/_lockbox/callback"}}},
		Logger:  slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatalf("devidp.Start: %v", err)
	}
	t.Cleanup(func() { _ = idp.Close() })
	s.caddyfile = filepath.Join(t.TempDir(), "Caddyfile")
	db := filepath.Join(t.TempDir(), "lockbox.db")
	config := fmt.Sprintf(adminsCaddyfile, s.admin, httpPort, db, sink.url, sink.secret, s.site, idp.Issuer())
	if err := os.WriteFile(s.caddyfile, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	s.start()
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("lockbox run output:\n%s", s.out)
		}
	})
	return s
}

// adminJSON is an admin as `lockbox admins list --json` prints it.
type adminJSON struct {
	ID, Email, Name, Role string
}

func TestAdminsLinkAndWebhooksCLI(t *testing.T) {
	sink := startWebhookSink(t)
	s := startAdminsGateway(t, sink)

	wantContains(t, s.ok("admins", "list", "--tenant", "acme"), "Tenant acme has no registered admins.")
	out := s.ok("admins", "set", "--tenant", "acme", "--by", "dana",
		"--admin", `id=a1,email=ana@acme.example,name="Admin, Ana",role=owner`,
		"--admin", "id=a2,email=bob@acme.example,role=viewer")
	wantContains(t, out, "Tenant acme has 2 admins now:", "Admin, Ana", "viewer")

	var list struct{ Admins []adminJSON }
	s.okJSON(&list, "admins", "list", "--tenant", "acme", "--json")
	if len(list.Admins) != 2 || list.Admins[0] != (adminJSON{"a1", "ana@acme.example", "Admin, Ana", "owner"}) {
		t.Fatalf("admins list --json: %+v", list.Admins)
	}

	openLink(t, s)
	exerciseAdminErrors(t, s)

	wantContains(t, s.ok("webhooks", "test"), "Queued a lockbox.test event", "for 1 webhook endpoint.")
	select {
	case typ := <-sink.types:
		if typ != notify.TestEvent {
			t.Fatalf("webhook of type %q, want %s", typ, notify.TestEvent)
		}
	case <-time.After(runTimeout):
		t.Fatal("the test webhook did not arrive")
	}
}

// openLink makes a link with the CLI and opens it as a browser would:
// the Support Access page of acme answers.
func openLink(t *testing.T, s *instance) {
	t.Helper()
	r := s.lockbox("link", "--tenant", "acme", "--admin", "a1", "--ttl", "2h")
	link := strings.TrimSuffix(r.stdout, "\n")
	if r.code != 0 || strings.Contains(link, "\n") || !strings.HasPrefix(link, s.site+"/_lockbox/admin?token=") {
		t.Fatalf("lockbox link: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	wantContains(t, r.stderr, "tenant acme for admin a1 until", "(in 2h)")

	page := newAgentBrowser(t, s.site).openAdminLink(link)
	if page.status != http.StatusOK || page.url.Path != "/_lockbox/admin" || page.url.RawQuery != "" || !strings.Contains(page.body, "Support access to acme") {
		t.Fatalf("opening the link: %d at %s\n%s", page.status, page.url, page.body)
	}
}

// exerciseAdminErrors checks that refusals are one clear line and a
// non-zero exit.
func exerciseAdminErrors(t *testing.T, s *instance) {
	t.Helper()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"link", "--tenant", "acme", "--admin", "a2"}, `role "viewer" may not change support access`},
		{[]string{"link", "--tenant", "acme", "--admin", "a9"}, `tenant acme has no registered admin "a9"`},
		{[]string{"link", "--tenant", "acme", "--admin", "a1", "--ttl", "90d"}, "invalid ttl"},
		{[]string{"admins", "set", "--tenant", "acme", "--admin", "id=a1"}, "invalid --admin value: email is required (see 'lockbox admins set --help')"},
		{[]string{"admins", "set", "--tenant", "acme", "--admin", "id=a1,email=ana,role=owner"}, "not a bare address"},
		{[]string{"admins", "list"}, "--tenant is required"},
		{[]string{"webhooks"}, "say what to do: lockbox webhooks test"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			wantOneLineError(t, s.lockbox(tt.args...), tt.want)
		})
	}
}
