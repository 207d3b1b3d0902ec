package httpjson_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
)

func TestUnavailableCarriesRetryAfter(t *testing.T) {
	rec := httptest.NewRecorder()
	httpjson.WriteError(rec, problem.New(problem.Unavailable, "store_unavailable", "the store is down"))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "5" {
		t.Fatalf("status %d, Retry-After %q; want 503 with 5", rec.Code, rec.Header().Get("Retry-After"))
	}
	rec = httptest.NewRecorder()
	httpjson.WriteError(rec, problem.New(problem.NotFound, "not_found", "no such grant"))
	if rec.Header().Get("Retry-After") != "" {
		t.Fatalf("a 404 carries Retry-After %q", rec.Header().Get("Retry-After"))
	}
}
