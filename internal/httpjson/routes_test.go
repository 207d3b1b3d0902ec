package httpjson_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
)

func TestNewMux(t *testing.T) {
	ok := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_ = httpjson.Write(w, http.StatusOK, map[string]string{"route": name, "id": r.PathValue("id")})
		})
	}
	mux := httpjson.NewMux([]httpjson.Route{
		{Method: http.MethodGet, Pattern: "/api/things/{id}", Handler: ok("get")},
		{Method: http.MethodDelete, Pattern: "/api/things/{id}", Handler: ok("delete")},
		{Method: http.MethodPost, Pattern: "/api/things", Handler: ok("post")},
	}, httpjson.NotFound("test API"))

	tests := []struct {
		method, path string
		status       int
		allow        string
		code         string
		message      string
	}{
		{method: "GET", path: "/api/things/7", status: 200},
		{method: "HEAD", path: "/api/things/7", status: 200},
		{method: "DELETE", path: "/api/things/7", status: 200},
		{method: "PUT", path: "/api/things/7", status: 405, allow: "DELETE, GET, HEAD", code: "method_not_allowed",
			message: `method PUT is not allowed on "/api/things/7"; use DELETE, GET, HEAD`},
		{method: "GET", path: "/api/things", status: 405, allow: "POST", code: "method_not_allowed",
			message: `method GET is not allowed on "/api/things"; use POST`},
		{method: "GET", path: "/api/other", status: 404, code: "not_found", message: `no such test API path: GET "/api/other"`},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if tt.code == "" {
				if rec.Code != tt.status {
					t.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				return
			}
			assertError(t, rec, tt.status, tt.code, tt.message)
			if got := rec.Header().Get("Allow"); got != tt.allow {
				t.Fatalf("Allow = %q, want %q", got, tt.allow)
			}
		})
	}
}
