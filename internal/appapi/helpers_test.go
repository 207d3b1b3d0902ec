package appapi_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/lockbox-gw/lockbox/internal/appapi"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/testkit/apitest"
)

// The API keys the tests configure: two, as while rotating.
const (
	keyOne    = "k1-0123456789abcdef0123456789"
	keyTwo    = "k2-fedcba9876543210fedcba9876"
	publicURL = "https://app.example.com"
	base      = "/_lockbox/api/v1"
)

// The registered admins (apitest's): ana owns acme, vic only views it,
// gus administers globex.
var ana, vic, gus = apitest.Ana, apitest.Vic, apitest.Gus

// env is the API served over a real HTTP server on a store the test owns.
type env struct {
	*apitest.Env
	t        *testing.T
	requests *request.Service
	srv      *httptest.Server
	logs     *observer.ObservedLogs
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
	e := &env{Env: apitest.New(t, st, testkit.NowClock()), t: t}
	cfg := appapi.Config{APIKeys: []string{keyOne, keyTwo}, PublicURL: publicURL}
	if edit != nil {
		edit(&cfg)
	}
	if rc.Areas == nil {
		rc.Areas = cfg.Areas
	}
	var err error
	if e.requests, err = request.New(e.Grants, rc); err != nil {
		t.Fatalf("request.New: %v", err)
	}
	core, logs := observer.New(zap.DebugLevel)
	e.logs = logs
	h, err := appapi.New(cfg, appapi.Deps{
		Grants: e.Grants, Admins: e.Admins, Links: e.Links, Requests: e.requests,
		Notify: e.Notify, Logger: zap.New(core),
	})
	if err != nil {
		t.Fatalf("appapi.New: %v", err)
	}
	e.srv = testkit.Serve(t, h)
	e.SetTestAdmins()
	return e
}

// response is an answer read in full.
type response = testkit.Response

// send sends one request to path (under the API's base) with header h.
func (e *env) send(method, path, body string, h http.Header) response {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	return testkit.Send(e.t, e.srv.Client(), method, e.srv.URL+base+path, rd, h)
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
	if r.Status != status {
		e.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		e.t.Fatalf("%s %s: Content-Type %q", method, path, ct)
	}
	if r.Header.Get("Cache-Control") != "no-store" {
		e.t.Fatalf("%s %s: Cache-Control %q", method, path, r.Header.Get("Cache-Control"))
	}
	if v != nil {
		testkit.DecodeStrict(e.t, r.Body, v)
	}
	return r
}

// checkError checks that r is status and code in the error shape and
// returns the message.
var checkError = testkit.APIError

// callError sends a request with the first key and checks the error.
func (e *env) callError(method, path, body string, status int, code string) (string, response) {
	e.t.Helper()
	r := e.do(method, path, body)
	return checkError(e.t, r, status, code), r
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

// ctx is a context for one call of the test.
var ctx = testkit.Context

// serve runs one request through h without a server.
func serve(h http.Handler, method, path string, header http.Header) response {
	req := httptest.NewRequest(method, path, nil)
	for k, vs := range header {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}
