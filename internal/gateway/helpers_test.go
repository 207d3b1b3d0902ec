package gateway_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/audit"
	"github.com/lockbox-gw/lockbox/internal/devidp"
	"github.com/lockbox-gw/lockbox/internal/gateway"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/login"
	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/token"
)

const (
	clientID     = "lockbox"
	clientSecret = "test-secret"
	audience     = "app.example"
)

// testRoles are the roles of the example configuration, over the
// development provider's groups.
var testRoles = []login.Role{
	{Name: "support", Groups: []string{"support"}, Scopes: []string{"read"}},
	{Name: "operations", Groups: []string{"customer-ops"}, Scopes: []string{"read", "write", "pii"}},
	{Name: "oncall", Groups: []string{"sec-oncall"}, Scopes: []string{"read", "write"}, BreakGlass: time.Hour},
}

// tenantAdmin is who grants and revokes in the tests.
var tenantAdmin = store.Actor{ID: "admin-7", Email: "carla@acme.example", Role: "owner"}

// options vary an environment.
type options struct {
	redis       *redistest.Server // nil: one bbolt file
	instances   int               // gateways sharing the store; default 1
	users       []devidp.User     // the provider's users; nil: the defaults
	sessionMax  time.Duration     // impersonation session maximum
	idleTimeout time.Duration
	loginMax    time.Duration // agent login lifetime
	// wrap wraps the store the gateway side uses (not the audit writer's).
	wrap func(store.Store) store.Store
	// noRequests leaves access requests out of the gateways.
	noRequests bool
	// requests configures access requests (areas: testAreas).
	requests request.Config
	// ops are the gateways' operator hooks.
	ops gateway.Ops
	// buffered runs the gateways with audit buffered.
	buffered bool
	// auditWrap wraps the store the audit writer appends to.
	auditWrap func(store.Store) store.Store
	// auditInterval is the audit writer's interval; default 10ms.
	auditInterval time.Duration
	// tenantFrom, given the instance's port, says where requests name
	// their tenant; nil: nowhere.
	tenantFrom func(port string) *gateway.TenantFrom
	// minterAhead runs the token minter's clock ahead of everything else,
	// as if time ran out between a request's checks and its token.
	minterAhead time.Duration
}

// env is a development provider, an upstream app and one or more
// gateways in front of it, over one store, all on loopback, sharing one
// clock.
type env struct {
	t        testing.TB
	ctx      context.Context
	clock    *testkit.Clock // from the real time: the provider stamps ID tokens by it
	store    store.Store    // for seeding and reading back
	grants   *grant.Service
	requests *request.Service // approves and denies as the tenant's admins
	idp      *devidp.Server
	upstream *upstream
	insts    []*instance
}

// instance is one gateway behind its own httptest server, with its own
// store client, keys, minter and audit writer, as one Lockbox process.
type instance struct {
	srv   *httptest.Server
	gw    atomic.Pointer[gateway.Gateway]
	next  gateway.Next
	audit *audit.Writer
	store store.Store // as the gateway sees it (wrapped)
}

func newEnv(t testing.TB, o options) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	e := &env{t: t, ctx: ctx, clock: testkit.NowClock(), upstream: newUpstream(t)}
	if o.instances == 0 {
		o.instances = 1
	}
	e.store = e.openStore(o)
	e.grants = grant.New(e.store, e.clock.Now)
	e.requests = newRequests(t, e.grants, o)
	for range o.instances {
		e.insts = append(e.insts, e.newServer())
	}
	e.idp = e.startIdP(o.users)
	for _, in := range e.insts {
		e.startGateway(in, o)
	}
	return e
}

// openStore opens the store every part shares: one bbolt file, or a
// client of the test's Redis.
func (e *env) openStore(o options) store.Store {
	e.t.Helper()
	if o.redis != nil {
		return testkit.Redis(e.t, o.redis.URL())
	}
	return testkit.Bolt(e.t)
}

// newServer starts the httptest server of an instance; its gateway comes
// later, once the provider is known. Headers may be large, so a 1 MB
// cookie reaches the gateway.
func (e *env) newServer() *instance {
	in := &instance{}
	in.srv = httptest.NewUnstartedServer(http.HandlerFunc(in.serve))
	in.srv.Config.MaxHeaderBytes = 4 << 20
	in.srv.Start()
	e.t.Cleanup(in.srv.Close)
	proxy := httputil.NewSingleHostReverseProxy(e.upstream.url())
	in.next = func(w http.ResponseWriter, r *http.Request) error {
		proxy.ServeHTTP(w, r)
		return nil
	}
	return in
}

// serve is the site: the gateway in front of the reverse proxy.
func (in *instance) serve(w http.ResponseWriter, r *http.Request) {
	if err := in.gw.Load().ServeHTTP(w, r, in.next); err != nil {
		http.Error(w, "proxy error", http.StatusBadGateway)
	}
}

func (e *env) startIdP(users []devidp.User) *devidp.Server {
	e.t.Helper()
	var callbacks []string
	for _, in := range e.insts {
		callbacks = append(callbacks, in.srv.URL+"/_lockbox/callback")
	}
	srv, err := devidp.Start("127.0.0.1:0", devidp.Config{
		Clients: []devidp.Client{{ID: clientID, Secret: clientSecret, RedirectURIs: callbacks}},
		Users:   users,
		Logger:  slog.New(slog.DiscardHandler),
	})
	if err != nil {
		e.t.Fatalf("devidp.Start: %v", err)
	}
	e.t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// startGateway builds an instance's parts as a Lockbox process would and
// runs its gateway until the test ends.
func (e *env) startGateway(in *instance, o options) {
	t := e.t
	t.Helper()
	raw := e.store
	if o.redis != nil && len(e.insts) > 1 {
		raw = testkit.Redis(t, o.redis.URL()) // a process of its own
	}
	in.store = raw
	if o.wrap != nil {
		in.store = o.wrap(raw)
	}
	svc, err := login.New(login.Config{
		Issuer: e.idp.Issuer(), ClientID: clientID, ClientSecret: clientSecret,
		Roles: testRoles, SessionMax: o.loginMax, Now: e.clock.Now,
		// Every instance serves one site, as behind a load balancer.
		Site: "http://lockbox.test/_lockbox",
	}, in.store)
	if err != nil {
		t.Fatalf("login.New: %v", err)
	}
	keys := token.NewKeys(in.store, e.clock.Now)
	if err := keys.Load(e.ctx); err != nil {
		t.Fatalf("loading keys: %v", err)
	}
	issuer := in.srv.URL + "/_lockbox"
	minterNow := func() time.Time { return e.clock.Now().Add(o.minterAhead) }
	minter, err := token.NewMinter(keys, token.MinterConfig{Issuer: issuer, Audience: audience}, minterNow)
	if err != nil {
		t.Fatal(err)
	}
	auditStore := raw
	if o.auditWrap != nil {
		auditStore = o.auditWrap(raw)
	}
	interval := o.auditInterval
	if interval == 0 {
		interval = 10 * time.Millisecond
	}
	in.audit = audit.NewWriter(auditStore, audit.Options{Interval: interval})
	go in.audit.Run(e.ctx)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = in.audit.Close(ctx)
	})
	grants := grant.New(in.store, e.clock.Now)
	var requests *request.Service
	if !o.noRequests {
		requests = newRequests(t, grants, o)
	}
	var tf *gateway.TenantFrom
	if o.tenantFrom != nil {
		tf = o.tenantFrom(in.srv.URL[strings.LastIndexByte(in.srv.URL, ':')+1:])
	}
	gw, err := gateway.New(gateway.Config{
		TenantFrom:    tf,
		Rules:         denyRules(t),
		Areas:         testAreas,
		Issuer:        issuer,
		SessionMax:    o.sessionMax,
		IdleTimeout:   o.idleTimeout,
		AuditBuffered: o.buffered,
	}, gateway.Deps{
		Core:   gateway.Core{Store: in.store, Grants: grants, Login: svc, Keys: keys, Minter: minter, Audit: in.audit},
		Logger: zap.NewNop(), Now: e.clock.Now, Requests: requests, Ops: o.ops,
	})
	if err != nil {
		t.Fatalf("gateway.New: %v", err)
	}
	in.gw.Store(gw)
	go gw.Run(e.ctx)
}

// newRequests is a request service over grants, as the options say.
func newRequests(t testing.TB, grants *grant.Service, o options) *request.Service {
	t.Helper()
	cfg := o.requests
	cfg.Areas = testAreas
	svc, err := request.New(grants, cfg)
	if err != nil {
		t.Fatalf("request.New: %v", err)
	}
	return svc
}

// denyRules are the example configuration's deny rules.
func denyRules(t testing.TB) policy.Rules {
	t.Helper()
	var rules policy.Rules
	for _, r := range [][2]string{{"*", "/settings/billing*"}, {"DELETE", "/api/account*"}} {
		rule, err := policy.ParseRule(r[0], r[1])
		if err != nil {
			t.Fatal(err)
		}
		rules = append(rules, rule)
	}
	return rules
}

// url is the first instance's address.
func (e *env) url() string { return e.insts[0].srv.URL }

// grant makes scopes the tenant's active grant for d (0: standing).
func (e *env) grant(tenant string, d time.Duration, scopes ...string) store.Grant {
	e.t.Helper()
	g, err := e.grants.Create(e.ctx, grant.CreateRequest{
		Tenant: tenant, Scopes: scopes, Duration: d, Standing: d == 0, By: tenantAdmin, Note: "ticket 4711",
	})
	if err != nil {
		e.t.Fatalf("granting %s: %v", tenant, err)
	}
	return g
}

// revoke revokes the tenant's grant as the tenant's admin.
func (e *env) revoke(tenant, id string) store.Grant {
	e.t.Helper()
	g, err := e.grants.Revoke(e.ctx, tenant, id, tenantAdmin, "support case closed")
	if err != nil {
		e.t.Fatalf("revoking %s: %v", id, err)
	}
	return g
}

// events reads the tenant's whole audit chain.
func (e *env) events(tenant string) []store.Event {
	e.t.Helper()
	var all []store.Event
	var after int64
	for {
		batch, err := e.store.Events(e.ctx, tenant, store.EventQuery{AfterSeq: after, Limit: store.MaxPageSize})
		if err != nil {
			e.t.Fatalf("reading %s's audit: %v", tenant, err)
		}
		if len(batch) == 0 {
			return all
		}
		all = append(all, batch...)
		after = batch[len(batch)-1].Seq
	}
}

// eventsOf returns the tenant's events of type typ.
func (e *env) eventsOf(tenant, typ string) []store.Event {
	var out []store.Event
	for _, ev := range e.events(tenant) {
		if ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}

// waitEvents waits until the tenant has n events of type typ (the audit
// writer appends in the background) and returns them.
func (e *env) waitEvents(tenant, typ string, n int) []store.Event {
	e.t.Helper()
	var got []store.Event
	testkit.Eventually(e.t, func() bool {
		got = e.eventsOf(tenant, typ)
		return len(got) >= n
	}, "%d %s events in %s's audit (have %d)", n, typ, tenant, len(got))
	return got
}

// verifyAudit checks the tenant's hash chain once every audit writer has
// written all it had; nothing may be recorded after it. (store.Verify
// reports a break if events are appended while it walks the chain.)
func (e *env) verifyAudit(tenant string) {
	e.t.Helper()
	for _, in := range e.insts {
		if err := in.audit.Close(e.ctx); err != nil {
			e.t.Fatalf("closing the audit writer: %v", err)
		}
	}
	v, err := store.Verify(e.ctx, e.store, tenant)
	if err != nil || !v.OK {
		e.t.Fatalf("audit chain of %s: %+v %v", tenant, v, err)
	}
}

// sessions lists the tenant's impersonation sessions.
func (e *env) sessions(tenant string) []store.Session {
	e.t.Helper()
	ss, _, err := e.store.Sessions(e.ctx, tenant, store.Page{Limit: store.MaxPageSize})
	if err != nil {
		e.t.Fatal(err)
	}
	return ss
}

// eventData decodes an event's data.
func eventData(t testing.TB, ev store.Event) map[string]any {
	t.Helper()
	m := map[string]any{}
	if err := json.Unmarshal(ev.Data, &m); err != nil {
		t.Fatalf("event %s data %s: %v", ev.Type, ev.Data, err)
	}
	return m
}

// upstream is the app: it answers every request with what it received,
// as JSON, and counts requests.
type upstream struct {
	srv  *httptest.Server
	hits atomic.Int64
	// seen, when set, is called with each request before it is answered.
	seen atomic.Pointer[func(*http.Request)]
}

// echo is what the upstream saw of one request.
type echo struct {
	Method string      `json:"method"`
	Path   string      `json:"path"`
	Header http.Header `json:"header"`
}

func newUpstream(t testing.TB) *upstream {
	u := &upstream{}
	u.srv = httptest.NewServer(http.HandlerFunc(u.serve))
	t.Cleanup(u.srv.Close)
	return u
}

func (u *upstream) url() *url.URL {
	p, _ := url.Parse(u.srv.URL)
	return p
}

// serve echoes the request. ?status=N answers with status N; the path
// /early-hints sends a 103 first; /ws is a WebSocket echo.
func (u *upstream) serve(w http.ResponseWriter, r *http.Request) {
	u.hits.Add(1)
	if f := u.seen.Load(); f != nil {
		(*f)(r)
	}
	if r.URL.Path == "/ws" {
		serveWebSocketEcho(w, r)
		return
	}
	if r.URL.Path == "/early-hints" {
		w.Header().Set("Link", "</app.css>; rel=preload; as=style")
		w.WriteHeader(http.StatusEarlyHints)
	}
	status := http.StatusOK
	if s, err := strconv.Atoi(r.URL.Query().Get("status")); err == nil {
		status = s
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(echo{Method: r.Method, Path: r.URL.Path, Header: r.Header})
}
