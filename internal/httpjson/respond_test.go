package httpjson_test

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
)

func TestResponderLogsServerFaultsOnly(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		code   string
		logged bool
	}{
		{name: "client mistake", err: problem.New(problem.Invalid, "invalid_tenant", "bad tenant"), status: 400, code: "invalid_tenant"},
		{name: "own 4xx status", err: httpjson.WithStatus(405, problem.New(problem.Invalid, "method_not_allowed", "use GET")), status: 405, code: "method_not_allowed"},
		{name: "store down", err: problem.Store(errors.New("dial refused")), status: 503, code: "store_unavailable", logged: true},
		{name: "plain error", err: errors.New("boom"), status: 500, code: "internal", logged: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			core, logs := observer.New(zap.DebugLevel)
			s := httpjson.Responder{API: "test api", Logger: zap.New(core)}
			rec := httptest.NewRecorder()
			s.Handle(func(http.ResponseWriter, *http.Request) error { return tt.err }).
				ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/things", nil))
			if rec.Code != tt.status || problemCode(t, rec) != tt.code {
				t.Fatalf("answer %d %s, want %d %s", rec.Code, rec.Body, tt.status, tt.code)
			}
			entries := logs.FilterMessage("test api request failed").All()
			if !tt.logged {
				if logs.Len() != 0 {
					t.Fatalf("a client mistake was logged: %v", logs.All())
				}
				return
			}
			if len(entries) != 1 || logs.Len() != 1 || entries[0].Level != zapcore.ErrorLevel {
				t.Fatalf("want one error line, got %v", logs.All())
			}
			f := entries[0].ContextMap()
			if f["method"] != "GET" || f["path"] != "/things" || f["status"] != int64(tt.status) || f["code"] != tt.code {
				t.Fatalf("log fields %v", f)
			}
		})
	}
}

func TestResponderReply(t *testing.T) {
	core, logs := observer.New(zap.DebugLevel)
	s := httpjson.Responder{API: "test api", Logger: zap.New(core)}
	rec := httptest.NewRecorder()
	if err := s.Reply(rec, httptest.NewRequest(http.MethodGet, "/n", nil), http.StatusCreated, map[string]int{"n": 1}); err != nil || rec.Code != 201 {
		t.Fatalf("Reply = %v, status %d", err, rec.Code)
	}
	rec = httptest.NewRecorder()
	if err := s.Reply(rec, httptest.NewRequest(http.MethodGet, "/inf", nil), http.StatusOK, math.Inf(1)); err != nil {
		t.Fatalf("Reply of an unencodable value returned %v; the endpoint has answered", err)
	}
	if rec.Code != 500 || logs.FilterMessage("test api response not encodable").Len() != 1 {
		t.Fatalf("unencodable reply: status %d, logs %v", rec.Code, logs.All())
	}
}

func TestResponderRoute(t *testing.T) {
	s := httpjson.Responder{API: "test api"}
	rt := s.Route(http.MethodPost, "/things/{id}", func(w http.ResponseWriter, r *http.Request) error {
		return s.Reply(w, r, http.StatusCreated, map[string]string{"id": r.PathValue("id")})
	})
	mux := httpjson.NewMux([]httpjson.Route{rt}, httpjson.NotFound("test API"))
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/things/7", nil))
	if rt.Method != http.MethodPost || rt.Pattern != "/things/{id}" || rec.Code != 201 || rec.Body.String() != "{\"id\":\"7\"}\n" {
		t.Fatalf("route %s %s answered %d %q", rt.Method, rt.Pattern, rec.Code, rec.Body)
	}
}

func TestResponderWithoutLogger(t *testing.T) {
	var s httpjson.Responder
	rec := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	s.Fail(rec, r, errors.New("boom"))
	if rec.Code != 500 {
		t.Fatalf("Fail without a logger: status %d", rec.Code)
	}
	if err := s.Reply(httptest.NewRecorder(), r, http.StatusOK, math.Inf(1)); err != nil {
		t.Fatalf("Reply without a logger = %v", err)
	}
}

// problemCode returns the code of an error answer.
func problemCode(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	var body struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("answer is not JSON: %s", rec.Body)
	}
	return body.Error.Code
}
