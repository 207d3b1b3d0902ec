package httpjson_test

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
)

type request struct {
	Name   string   `json:"name"`
	Tags   []string `json:"tags"`
	Nested struct {
		Count int `json:"count"`
	} `json:"nested"`
}

func decode(body string, b httpjson.Body) (request, error) {
	var v request
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	err := b.Decode(httptest.NewRecorder(), r, &v)
	return v, err
}

func TestDecodeAccepts(t *testing.T) {
	v, err := decode(" {\"name\":\"dana\",\"tags\":[\"a\"],\"nested\":{\"count\":2}}\n\t ", httpjson.Body{})
	if err != nil || v.Name != "dana" || len(v.Tags) != 1 || v.Nested.Count != 2 {
		t.Fatalf("Decode = %+v, %v", v, err)
	}
	if v, err := decode("", httpjson.Body{Optional: true}); err != nil || v.Name != "" {
		t.Fatalf("optional empty body = %+v, %v", v, err)
	}
	exact := `{"name":"` + strings.Repeat("x", httpjson.DefaultMaxBody-11) + `"}`
	if _, err := decode(exact, httpjson.Body{}); err != nil || len(exact) != httpjson.DefaultMaxBody {
		t.Fatalf("body of exactly the cap (%d bytes): %v", len(exact), err)
	}
}

func TestDecodeRefuses(t *testing.T) {
	huge := `{"name":"` + strings.Repeat("x", httpjson.DefaultMaxBody) + `"}`
	tests := []struct {
		name     string
		body     string
		b        httpjson.Body
		status   int
		code     string
		contains string
	}{
		{name: "empty", body: "", status: 400, code: "invalid_json", contains: "empty"},
		{name: "only space", body: " \n", status: 400, code: "invalid_json", contains: "empty"},
		{name: "syntax", body: `{"name" "x"}`, status: 400, code: "invalid_json", contains: "not valid JSON: invalid character"},
		{name: "cut short", body: `{"name":`, status: 400, code: "invalid_json", contains: "ends in the middle"},
		{name: "unknown field", body: `{"name":"x","nmae":"y"}`, status: 400, code: "invalid_json", contains: `unknown field "nmae"`},
		{name: "unknown nested field", body: `{"nested":{"cnt":1}}`, status: 400, code: "invalid_json", contains: `unknown field "cnt"`},
		{name: "wrong type", body: `{"name":7}`, status: 400, code: "invalid_json", contains: `field "name" must be a string, not a number`},
		{name: "wrong element type", body: `{"tags":"a"}`, status: 400, code: "invalid_json", contains: `field "tags" must be an array, not a string`},
		{name: "wrong nested type", body: `{"nested":{"count":"2"}}`, status: 400, code: "invalid_json", contains: `field "nested.count" must be a number, not a string`},
		{name: "not an object", body: `["x"]`, status: 400, code: "invalid_json", contains: "must be a JSON object, not an array"},
		{name: "trailing object", body: `{"name":"x"}{"name":"y"}`, status: 400, code: "invalid_json", contains: "data after the JSON value"},
		{name: "trailing garbage", body: `{"name":"x"} x`, status: 400, code: "invalid_json", contains: "data after the JSON value"},
		{name: "over the cap", body: huge, status: 413, code: "body_too_large", contains: "larger than 64 KiB"},
		{name: "padding over the cap", body: `{"name":"x"}` + strings.Repeat(" ", httpjson.DefaultMaxBody), status: 413, code: "body_too_large"},
		{name: "own cap", body: `{"name":"xxxxxxxxxx"}`, b: httpjson.Body{MaxBytes: 10}, status: 413, code: "body_too_large", contains: "larger than 10 bytes"},
		{name: "optional still strict", body: `{"x":1}`, b: httpjson.Body{Optional: true}, status: 400, code: "invalid_json", contains: `unknown field "x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decode(tt.body, tt.b)
			p := problem.As(err)
			if err == nil || httpjson.Status(err) != tt.status || p.Code != tt.code || !strings.Contains(p.Message, tt.contains) {
				t.Fatalf("Decode = %v (status %d, code %q), want %d %s containing %q", err, httpjson.Status(err), p.Code, tt.status, tt.code, tt.contains)
			}
		})
	}
}

func TestDecodeUnreadableBody(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/", failingReader{})
	err := httpjson.Decode(httptest.NewRecorder(), r, &request{})
	if p := problem.As(err); p.Code != "invalid_json" || strings.Contains(p.Message, "disk on fire") {
		t.Fatalf("Decode of a failing body = %v", err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestWrite(t *testing.T) {
	rec := httptest.NewRecorder()
	if err := httpjson.Write(rec, http.StatusCreated, map[string]int{"n": 1}); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 201 || rec.Header().Get("Content-Type") != "application/json" || rec.Body.String() != "{\"n\":1}\n" {
		t.Fatalf("Write: %d %v %q", rec.Code, rec.Header(), rec.Body)
	}
	if rec.Header().Get("Content-Length") != "8" || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("Write headers: %v", rec.Header())
	}
}

func TestWriteUnencodable(t *testing.T) {
	rec := httptest.NewRecorder()
	if err := httpjson.Write(rec, http.StatusOK, math.Inf(1)); err == nil {
		t.Fatal("Write of +Inf succeeded")
	}
	assertError(t, rec, 500, "internal", "internal error")
}

func TestWriteError(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		status  int
		code    string
		message string
	}{
		{"invalid", problem.New(problem.Invalid, "invalid_tenant", "bad tenant"), 400, "invalid_tenant", "bad tenant"},
		{"not found", problem.New(problem.NotFound, "not_found", "no such path"), 404, "not_found", "no such path"},
		{"conflict", problem.New(problem.Conflict, "grant_ended", "ended"), 409, "grant_ended", "ended"},
		{"store", problem.Store(errors.New("dial tcp 10.0.0.1:6379: refused")), 503, "store_unavailable", "the Lockbox store cannot be reached; try again shortly"},
		{"own status", httpjson.WithStatus(405, problem.New(problem.Invalid, "method_not_allowed", "use GET")), 405, "method_not_allowed", "use GET"},
		{"plain error", errors.New("secret internals"), 500, "internal", "internal error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			httpjson.WriteError(rec, tt.err)
			assertError(t, rec, tt.status, tt.code, tt.message)
		})
	}
}

// assertError checks that rec holds exactly the error shape.
func assertError(t *testing.T, rec *httptest.ResponseRecorder, status int, code, message string) {
	t.Helper()
	if rec.Code != status || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, content type %q; want %d JSON", rec.Code, rec.Header().Get("Content-Type"), status)
	}
	var body map[string]map[string]string
	dec := json.NewDecoder(rec.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil || len(body) != 1 || len(body["error"]) != 2 {
		t.Fatalf("body is not the error shape: %v %v", body, err)
	}
	if body["error"]["code"] != code || body["error"]["message"] != message {
		t.Fatalf("error = %v, want %s %q", body["error"], code, message)
	}
}
