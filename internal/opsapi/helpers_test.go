package opsapi_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/opsapi"
	"github.com/lockbox-gw/lockbox/internal/redistest"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/testkit/apitest"
)

// env is the API served over a real HTTP server on a store the test owns.
type env struct {
	t     *testing.T
	clock *testkit.Clock
	open  func(t *testing.T) store.Store
	store store.Store
	srv   *httptest.Server
	logs  *observer.ObservedLogs
}

// newBoltEnv serves the API over a bbolt file in a temporary directory.
func newBoltEnv(t *testing.T) (*env, string) {
	path := filepath.Join(t.TempDir(), "lockbox.db")
	return newEnv(t, func(t *testing.T) store.Store { return testkit.BoltAt(t, path) }), path
}

// newRedisEnv serves the API over a redis-server of the test's own.
func newRedisEnv(t *testing.T) *env {
	srv := redistest.Start(t)
	return newEnv(t, func(t *testing.T) store.Store { return testkit.Redis(t, srv.URL()) })
}

func newEnv(t *testing.T, open func(t *testing.T) store.Store) *env {
	e := &env{t: t, open: open, clock: testkit.NowClock()}
	e.start()
	t.Cleanup(e.stop)
	return e
}

// start opens the store and serves a fresh handler over it.
func (e *env) start() {
	e.store = e.open(e.t)
	core, logs := observer.New(zap.DebugLevel)
	e.logs = logs
	h := opsapi.New(grant.New(e.store, e.clock.Now), opsapi.WithLogger(zap.New(core)))
	e.srv = httptest.NewServer(h)
}

// stop stops serving and closes the store; stopping twice is harmless.
func (e *env) stop() {
	if e.srv != nil {
		e.srv.Close()
		e.srv = nil
	}
	if e.store != nil {
		_ = e.store.Close()
		e.store = nil
	}
}

// response is an answer read in full.
type response = testkit.Response

// do sends one request; path is the full path, escaped as it is to be sent.
func (e *env) do(method, path, body string) response {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	return testkit.Send(e.t, e.srv.Client(), method, e.srv.URL+path, rd, nil)
}

// call sends a request, expects status and decodes the JSON answer into v
// (which may be nil), refusing fields v does not have.
func (e *env) call(method, path, body string, status int, v any) response {
	e.t.Helper()
	r := e.do(method, path, body)
	if r.Status != status {
		e.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		e.t.Fatalf("%s %s: Content-Type %q", method, path, ct)
	}
	if v != nil {
		testkit.DecodeStrict(e.t, r.Body, v)
	}
	return r
}

// callError sends a request and checks that it fails with status and code
// in the error shape; it returns the message.
func (e *env) callError(method, path, body string, status int, code string) (string, response) {
	e.t.Helper()
	r := e.do(method, path, body)
	return testkit.APIError(e.t, r, status, code), r
}

// create makes a grant through the API.
func (e *env) create(tenant, body string) store.Grant {
	e.t.Helper()
	var g store.Grant
	e.call(http.MethodPost, "/lockbox/tenants/"+tenant+"/grants", body, http.StatusCreated, &g)
	return g
}

// snapshot is everything a request could have written for some tenants.
type snapshot struct {
	Tenants []string
	History map[string][]store.Grant
	Heads   map[string]store.Head
}

func (e *env) snapshot(tenants ...string) snapshot {
	e.t.Helper()
	c := ctx(e.t)
	all, err := e.store.Tenants(c)
	if err != nil {
		e.t.Fatal(err)
	}
	s := snapshot{Tenants: all, History: map[string][]store.Grant{}, Heads: map[string]store.Head{}}
	for _, t := range append(tenants, all...) {
		h, _, err := e.store.GrantHistory(c, t, store.Page{Limit: store.MaxPageSize})
		if err != nil {
			e.t.Fatal(err)
		}
		head, err := e.store.AuditHead(c, t)
		if err != nil {
			e.t.Fatal(err)
		}
		s.History[t], s.Heads[t] = h, head
	}
	return s
}

func (s snapshot) equal(o snapshot) bool { return reflect.DeepEqual(s, o) }

// types lists the types of the tenant's audit events, in order.
func (e *env) types(tenant string) []string {
	e.t.Helper()
	var p apitest.AuditPage
	e.call(http.MethodGet, "/lockbox/tenants/"+tenant+"/audit?limit=1000", "", http.StatusOK, &p)
	var out []string
	for _, ev := range p.Events {
		out = append(out, ev.Type)
	}
	return out
}

// ctx is a context for one call of the test.
var ctx = testkit.Context
