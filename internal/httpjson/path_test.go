package httpjson_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
)

func TestPathTenant(t *testing.T) {
	tests := []struct {
		path string
		want string
		code string
	}{
		{path: "/t/acme.eu-1/x", want: "acme.eu-1"},
		{path: "/t/ACME/x", code: "invalid_tenant"},
		{path: "/t/a%2Fb/x", code: "invalid_tenant"},
		{path: "/t/" + strings.Repeat("a", 64) + "/x", code: "invalid_tenant"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			var got string
			var err error
			mux := http.NewServeMux()
			mux.HandleFunc("/t/{tenant}/x", func(_ http.ResponseWriter, r *http.Request) {
				got, err = httpjson.PathTenant(r)
			})
			mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, tt.path, nil))
			if tt.code == "" && (err != nil || got != tt.want) {
				t.Fatalf("PathTenant = %q, %v; want %q", got, err, tt.want)
			}
			if tt.code != "" && (err == nil || problem.As(err).Code != tt.code) {
				t.Fatalf("PathTenant = %q, %v; want %s", got, err, tt.code)
			}
		})
	}
}
