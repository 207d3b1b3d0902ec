package appapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/appapi"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// The API keys the tests configure: two, as while rotating.
const (
	keyOne    = "k1-0123456789abcdef0123456789"
	keyTwo    = "k2-fedcba9876543210fedcba9876"
	publicURL = "https://app.example.com"
	base      = "/_lockbox/api/v1"
)

// The registered admins: ana owns acme, vic only views it, gus
// administers globex.
var (
	ana = admins.Admin{ID: "u_ana", Email: "ana@acme.test", Name: "Ana", Role: "owner"}
	vic = admins.Admin{ID: "u_vic", Email: "vic@acme.test", Name: "Vic", Role: "viewer"}
	gus = admins.Admin{ID: "u_gus", Email: "gus@globex.test", Name: "Gus", Role: "admin"}
)

// notification is one call of the notifier hook.
type notification struct {
	tenant, event string
	payload       any
}

// env is the API served over a real HTTP server on a store the test owns.
type env struct {
	t        *testing.T
	clock    *testkit.Clock
	store    store.Store
	links    *adminlink.Links
	admins   *admins.Registry
	grants   *grant.Service
	requests *request.Service
	srv      *httptest.Server
	logs     *observer.ObservedLogs

	mu    sync.Mutex
	notes []notification
}

// newEnv serves the API over a bbolt file with the test admins
// registered; edit changes the configuration first.
func newEnv(t *testing.T, edit func(*appapi.Config)) *env {
	return newEnvOn(t, testkit.Bolt(t), edit)
}

func newEnvOn(t *testing.T, st store.Store, edit func(*appapi.Config)) *env {
	return newEnvWith(t, st, edit, request.Config{})
}

// newEnvWith is newEnvOn with requests behaving as rc; its areas default
// to the API's.
func newEnvWith(t *testing.T, st store.Store, edit func(*appapi.Config), rc request.Config) *env {
	e := &env{t: t, store: st, clock: testkit.NowClock()}
	e.links = adminlink.NewLinks(st, e.clock.Now)
	e.admins = admins.New(st, e.clock.Now)
	e.grants = grant.New(st, e.clock.Now)
	cfg := appapi.Config{APIKeys: []string{keyOne, keyTwo}, PublicURL: publicURL}
	if edit != nil {
		edit(&cfg)
	}
	if rc.Areas == nil {
		rc.Areas = cfg.Areas
	}
	var err error
	if e.requests, err = request.New(e.grants, rc); err != nil {
		t.Fatalf("request.New: %v", err)
	}
	core, logs := observer.New(zap.DebugLevel)
	e.logs = logs
	h, err := appapi.New(cfg, appapi.Deps{
		Grants: e.grants, Admins: e.admins, Links: e.links, Requests: e.requests,
		Notify: e.notify, Logger: zap.New(core),
	})
	if err != nil {
		t.Fatalf("appapi.New: %v", err)
	}
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)
	e.register("acme", ana, vic)
	e.register("globex", gus)
	return e
}

func (e *env) register(tenant string, list ...admins.Admin) {
	e.t.Helper()
	if _, err := e.admins.Set(ctx(e.t), tenant, list, store.Actor{ID: "app"}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) notify(_ context.Context, tenant, event string, payload any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.notes = append(e.notes, notification{tenant, event, payload})
}

func (e *env) notifications() []notification {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]notification(nil), e.notes...)
}

// response is an answer read in full.
type response struct {
	status int
	header http.Header
	body   []byte
}

// send sends one request to path (under the API's base) with header h.
func (e *env) send(method, path, body string, h http.Header) response {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = bytes.NewBufferString(body)
	}
	req, err := http.NewRequestWithContext(ctx(e.t), method, e.srv.URL+base+path, rd)
	if err != nil {
		e.t.Fatalf("request %s %s: %v", method, path, err)
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// do sends a request with the first API key.
func (e *env) do(method, path, body string) response {
	e.t.Helper()
	return e.send(method, path, body, bearer(keyOne))
}

func bearer(key string) http.Header {
	return http.Header{"Authorization": {"Bearer " + key}}
}

// call sends a request, expects status and decodes the JSON answer into v
// (which may be nil), refusing fields v does not have.
func (e *env) call(method, path, body string, status int, v any) response {
	e.t.Helper()
	r := e.do(method, path, body)
	if r.status != status {
		e.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		e.t.Fatalf("%s %s: Content-Type %q", method, path, ct)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		e.t.Fatalf("%s %s: Cache-Control %q", method, path, r.header.Get("Cache-Control"))
	}
	if v != nil {
		strictDecode(e.t, r.body, v)
	}
	return r
}

func strictDecode(t *testing.T, b []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
}

// apiError is the only shape an error answer may have.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// checkError checks that r is status and code in the error shape and
// returns the message.
func checkError(t *testing.T, r response, status int, code string) string {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	var shape map[string]map[string]any
	if err := json.Unmarshal(r.body, &shape); err != nil || len(shape) != 1 || len(shape["error"]) != 2 {
		t.Fatalf("body is not the error shape: %s", r.body)
	}
	var ae apiError
	strictDecode(t, r.body, &ae)
	if ae.Error.Code != code || ae.Error.Message == "" {
		t.Fatalf("error %+v, want code %s", ae.Error, code)
	}
	return ae.Error.Message
}

// callError sends a request with the first key and checks the error.
func (e *env) callError(method, path, body string, status int, code string) (string, response) {
	e.t.Helper()
	r := e.do(method, path, body)
	return checkError(e.t, r, status, code), r
}

// head is the tenant's audit head, to show a refusal wrote nothing.
func (e *env) head(tenant string) store.Head {
	e.t.Helper()
	h, err := e.store.AuditHead(ctx(e.t), tenant)
	if err != nil {
		e.t.Fatal(err)
	}
	return h
}

// types lists the types of the tenant's audit events, in order.
func (e *env) types(tenant string) []string {
	e.t.Helper()
	es, err := e.store.Events(ctx(e.t), tenant, store.EventQuery{Limit: store.MaxPageSize})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, ev := range es {
		out = append(out, ev.Type)
	}
	return out
}

// grantsPage is the answer of the grant listing.
type grantsPage struct {
	Active     *store.Grant  `json:"active"`
	Grants     []store.Grant `json:"grants"`
	NextCursor string        `json:"next_cursor"`
}

// create makes a grant through the API as ana.
func (e *env) create(body string) store.Grant {
	e.t.Helper()
	var g store.Grant
	e.call(http.MethodPost, "/tenants/acme/grants", body, http.StatusCreated, &g)
	return g
}

// asAna is the admin field naming ana.
const asAna = `"admin":{"id":"u_ana","email":"ana@acme.test","role":"owner"}`

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

// serve runs one request through h without a server.
func serve(h http.Handler, method, path string, header http.Header) response {
	req := httptest.NewRequest(method, path, nil)
	for k, vs := range header {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}
