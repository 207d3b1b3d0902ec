package caddymodule_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"text/template"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/lockbox-gw/lockbox/internal/devidp"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// What the agent tests' Caddyfiles and identity provider share.
const (
	e2eClientID     = "lockbox"
	e2eClientSecret = "agent-e2e-client-secret"
	// e2eOperator is the --by of every grant command: ops:dana.
	e2eOperator = "dana"
	// e2eAudience is the audience of gateways that share one issuer.
	e2eAudience = "app.example"
)

// agentEnv is what one agent test runs: the development identity
// provider, an app that echoes what reaches it, and one or more
// `lockbox run` processes in front of the app over one store, all on
// loopback with ports of their own.
type agentEnv struct {
	idp *devidp.Server
	app *echoApp
	gws []*gatewayProc
}

// envOptions vary an agentEnv.
type envOptions struct {
	// storage is the storage option's value, such as "redis <url>";
	// empty means a bolt file of the test's own.
	storage string
	// instances is how many lockbox processes share the store; default 1.
	instances int
	// sharedIssuer sets issuer (the first instance's) and audience
	// explicitly in every instance, as behind one load-balanced address.
	sharedIssuer bool
	// underscoreHeaders and dotHeaders are the header names with '_' or
	// '.' that Caddy lets in (expected_underscore_headers and
	// expected_dot_headers); by default it drops them all.
	underscoreHeaders, dotHeaders []string
}

func newAgentEnv(t *testing.T, o envOptions) *agentEnv {
	t.Helper()
	bin := lockboxBinary(t)
	e := &agentEnv{app: startEchoApp(t)}
	if o.instances == 0 {
		o.instances = 1
	}
	if o.storage == "" {
		o.storage = "bolt " + filepath.Join(t.TempDir(), "lockbox.db")
	}
	for range o.instances {
		e.gws = append(e.gws, newGatewayProc(t, bin))
	}
	e.idp = startIdP(t, e.gws)
	for _, g := range e.gws {
		cfg := siteConfig{Admin: g.admin, Port: g.port, Storage: o.storage, IdP: e.idp.Issuer(), Upstream: e.app.hostport(),
			Underscore: o.underscoreHeaders, Dot: o.dotHeaders}
		if o.sharedIssuer {
			cfg.Issuer, cfg.Audience = e.gws[0].issuer(), e2eAudience
		}
		g.launch(cfg)
	}
	return e
}

// gw returns the first gateway.
func (e *agentEnv) gw() *gatewayProc { return e.gws[0] }

// startIdP runs the development identity provider with a client whose
// redirect URIs are the gateways' login callbacks.
func startIdP(t *testing.T, gws []*gatewayProc) *devidp.Server {
	t.Helper()
	var callbacks []string
	for _, g := range gws {
		callbacks = append(callbacks, g.issuer()+"/callback")
	}
	srv, err := devidp.Start("127.0.0.1:0", devidp.Config{
		Clients: []devidp.Client{{ID: e2eClientID, Secret: e2eClientSecret, RedirectURIs: callbacks}},
		Logger:  slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatalf("devidp.Start: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// siteConfig fills agentCaddyfile.
type siteConfig struct {
	Admin, Storage, IdP, Upstream string
	Port                          int
	Issuer, Audience              string // both or neither
	Underscore, Dot               []string
}

// agentCaddyfile is the example configuration of the design, on
// loopback. The client secret comes from the environment, as it would
// in production.
var agentCaddyfile = template.Must(template.New("Caddyfile").Parse(`{
	admin {{.Admin}}
	default_bind 127.0.0.1
	http_port {{.Port}}
{{- if or .Underscore .Dot}}
	servers {
{{- with .Underscore}}
		expected_underscore_headers{{range .}} {{.}}{{end}}
{{- end}}
{{- with .Dot}}
		expected_dot_headers{{range .}} {{.}}{{end}}
{{- end}}
	}
{{- end}}
	lockbox {
		storage {{.Storage}}
	}
}

http://127.0.0.1:{{.Port}} {
	lockbox {
		oidc {{.IdP}} {
			client_id ` + e2eClientID + `
			client_secret {env.OIDC_CLIENT_SECRET}
		}
		role support groups support scopes read
		role operations groups customer-ops scopes read write pii
		deny * /settings/billing*
		deny DELETE /api/account*
{{- if .Issuer}}
		issuer {{.Issuer}}
		audience {{.Audience}}
{{- end}}
	}
	reverse_proxy {{.Upstream}}
}
`))

// gatewayProc is a `lockbox run` process serving one agentCaddyfile
// site. It reuses instance's process handling and CLI helpers.
type gatewayProc struct {
	*instance
	port int
}

// newGatewayProc picks the process's ports and directories; launch
// starts it. It is stopped when the test ends.
func newGatewayProc(t *testing.T, bin string) *gatewayProc {
	t.Helper()
	s := &instance{t: t, bin: bin, env: append(isolatedEnv(t), "OIDC_CLIENT_SECRET="+e2eClientSecret)}
	g := &gatewayProc{instance: s, port: freePort(t)}
	s.admin = fmt.Sprintf("127.0.0.1:%d", freePort(t))
	s.site = fmt.Sprintf("http://127.0.0.1:%d", g.port)
	s.caddyfile = filepath.Join(t.TempDir(), "Caddyfile")
	t.Cleanup(func() {
		if s.cmd == nil {
			return
		}
		s.stop()
		if t.Failed() {
			t.Logf("lockbox run (%s) output:\n%s", s.site, s.out)
		}
	})
	return g
}

// issuer is the token issuer the Caddyfile derives from the site.
func (g *gatewayProc) issuer() string { return g.site + "/_lockbox" }

// launch writes the Caddyfile and runs lockbox until the admin API and
// the site (through to the app) answer.
func (g *gatewayProc) launch(cfg siteConfig) { g.launchWith(agentCaddyfile, cfg) }

// launchWith writes the Caddyfile tmpl makes of cfg and runs lockbox until
// it is ready.
func (g *gatewayProc) launchWith(tmpl *template.Template, cfg any) {
	s := g.instance
	s.t.Helper()
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, cfg); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(s.caddyfile, buf.Bytes(), 0o600); err != nil {
		s.t.Fatal(err)
	}
	s.spawn()
	g.waitReady()
}

// waitReady waits until the admin API answers and the site proxies to
// the app.
func (g *gatewayProc) waitReady() {
	s := g.instance
	s.t.Helper()
	client := &http.Client{Timeout: time.Second}
	testkit.EventuallyWithin(s.t, startTimeout, func() bool {
		select {
		case <-s.exited:
			s.t.Fatalf("lockbox run exited before it was ready:\n%s", s.out)
		default:
		}
		return s.answers(client, "http://"+s.admin+"/lockbox/grants", "") && s.answers(client, s.site+"/", "")
	}, "lockbox run ready:\n%s", s.out)
}

// grant creates a grant through this instance's admin API: args are the
// duration and scope flags, e.g. "--for", "7d", "--scopes", "read,write".
func (g *gatewayProc) grant(tenant string, args ...string) grantJSON {
	g.t.Helper()
	var gr grantJSON
	g.okJSON(&gr, append([]string{"grant", "create", "--tenant", tenant, "--by", e2eOperator, "--json"}, args...)...)
	if gr.ID == "" || gr.Tenant != tenant {
		g.t.Fatalf("grant create: %+v", gr)
	}
	return gr
}

// revoke revokes the tenant's active grant through this instance's
// admin API.
func (g *gatewayProc) revoke(tenant, reason string) {
	g.t.Helper()
	g.ok("grant", "revoke", "--tenant", tenant, "--by", e2eOperator, "--reason", reason)
}

// auditEvent is the part of an audit event the tests look at.
type auditEvent struct {
	Seq     int64          `json:"seq"`
	ID      string         `json:"id"`
	Type    string         `json:"type"`
	Grant   string         `json:"grant"`
	Session string         `json:"session"`
	Data    map[string]any `json:"data"`
}

// audit reads the tenant's audit trail with `lockbox audit --json`.
func (g *gatewayProc) audit(tenant string) []auditEvent {
	g.t.Helper()
	var page struct{ Events []auditEvent }
	g.okJSON(&page, "audit", "--tenant", tenant, "--json", "--limit", "5000")
	return page.Events
}

// countEvents returns how many of events have type typ and, when reason is
// given, that reason in their data.
func countEvents(events []auditEvent, typ, reason string) int {
	n := 0
	for _, ev := range events {
		if ev.Type == typ && (reason == "" || ev.Data["reason"] == reason) {
			n++
		}
	}
	return n
}

// ofSession returns the events of impersonation session sid.
func ofSession(events []auditEvent, sid string) []auditEvent {
	var out []auditEvent
	for _, ev := range events {
		if ev.Session == sid {
			out = append(out, ev)
		}
	}
	return out
}

// sessionJSON is the part of an impersonation session the tests look at.
type sessionJSON struct {
	ID     string `json:"id"`
	Tenant string `json:"tenant"`
	Grant  string `json:"grant"`
	Agent  struct {
		Sub   string `json:"sub"`
		Email string `json:"email"`
	} `json:"agent"`
	Scopes    []string   `json:"scopes"`
	Requests  int64      `json:"requests"`
	Refused   int64      `json:"refused"`
	EndedAt   *time.Time `json:"ended_at"`
	EndReason string     `json:"end_reason"`
}

// sessions lists the tenant's sessions with `lockbox sessions --json`.
func (g *gatewayProc) sessions(tenant string) []sessionJSON {
	g.t.Helper()
	var list struct{ Sessions []sessionJSON }
	g.okJSON(&list, "sessions", "--tenant", tenant, "--json")
	return list.Sessions
}

// echoApp is the upstream app: it answers every request, of any method,
// with what it received, as JSON, and keeps a record of it.
type echoApp struct {
	srv *httptest.Server

	mu   sync.Mutex
	seen []appRequest
}

// appRequest is what the app received of one request.
type appRequest struct {
	Method string      `json:"method"`
	URI    string      `json:"uri"` // the request target as sent
	Header http.Header `json:"header"`
	At     time.Time   `json:"-"` // when it arrived
}

func startEchoApp(t *testing.T) *echoApp {
	t.Helper()
	a := &echoApp{}
	a.srv = httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *echoApp) serve(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	got := appRequest{Method: r.Method, URI: r.RequestURI, Header: r.Header.Clone(), At: time.Now()}
	a.mu.Lock()
	a.seen = append(a.seen, got)
	a.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(got)
}

// hostport is the app's address for reverse_proxy.
func (a *echoApp) hostport() string { return strings.TrimPrefix(a.srv.URL, "http://") }

// hits is how many requests reached the app so far.
func (a *echoApp) hits() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.seen)
}

// since returns the requests that reached the app after the first n.
func (a *echoApp) since(n int) []appRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]appRequest(nil), a.seen[n:]...)
}

// tokenClaims are the impersonation JWT's claims beside the standard ones.
type tokenClaims struct {
	Tenant string `json:"tenant"`
	Act    struct {
		Sub   string `json:"sub"`
		Email string `json:"email"`
		Iss   string `json:"iss"`
	} `json:"act"`
	Scope      string `json:"scope"`
	SID        string `json:"sid"`
	Grant      string `json:"grant"`
	BreakGlass *bool  `json:"break_glass"`
}

// verifyToken verifies raw as an app would, with go-oidc: discovery at
// issuer's /.well-known/openid-configuration, keys from its jwks_uri.
func verifyToken(t *testing.T, issuer, audience, raw string) (*oidc.IDToken, tokenClaims) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	provider, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		t.Fatalf("discovery at %s: %v", issuer, err)
	}
	v := provider.Verifier(&oidc.Config{ClientID: audience, SupportedSigningAlgs: []string{oidc.ES256}})
	tok, err := v.Verify(ctx, raw)
	if err != nil {
		t.Fatalf("go-oidc refused the token: %v", err)
	}
	var c tokenClaims
	if err := tok.Claims(&c); err != nil {
		t.Fatal(err)
	}
	return tok, c
}
