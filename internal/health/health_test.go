package health_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/health"
	"github.com/lockbox-gw/lockbox/internal/testkit"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// TestCheck runs the checks over a real bolt store: each row changes one
// thing and expects the overall verdict.
func TestCheck(t *testing.T) {
	for _, tt := range []struct {
		name        string
		closed      bool
		feedAge     time.Duration
		queued      int
		wantStatus  string
		wantReady   bool
		wantKey     string
		wantProblem bool
	}{
		{name: "all well", feedAge: 100 * time.Millisecond, wantStatus: health.StatusOK, wantReady: true, wantKey: "loaded"},
		{name: "feed silent", feedAge: 5 * time.Second, wantStatus: health.StatusDegraded, wantReady: true, wantKey: "loaded", wantProblem: true},
		{name: "audit queue full", feedAge: time.Millisecond, queued: 10, wantStatus: health.StatusUnavailable, wantKey: "loaded", wantProblem: true},
		{name: "store closed", closed: true, feedAge: time.Millisecond, wantStatus: health.StatusUnavailable, wantKey: "unknown", wantProblem: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := testkit.Bolt(t)
			if tt.closed {
				_ = st.Close()
			}
			c := &health.Checker{
				Store: st, Backend: "bolt",
				FeedAge:       func() (time.Duration, bool) { return tt.feedAge, true },
				AuditQueued:   func() int { return tt.queued },
				AuditCapacity: func() int { return 10 },
				Keys:          token.NewKeys(st, nil),
			}
			r := c.Check(context.Background())
			if r.Status != tt.wantStatus || r.Ready != tt.wantReady || r.Keys.State != tt.wantKey || (len(r.Problems) > 0) != tt.wantProblem {
				t.Fatalf("report %+v", r)
			}
			if r.Store.Reachable == tt.closed || r.Store.Backend != "bolt" {
				t.Fatalf("store %+v", r.Store)
			}
		})
	}
}

// TestReadinessSaysNothingMore answers only ready or not ready.
func TestReadinessSaysNothingMore(t *testing.T) {
	st := testkit.Bolt(t)
	rd := health.NewReadiness(&health.Checker{Store: st, Backend: "bolt", Keys: token.NewKeys(st, nil)})
	rec := httptest.NewRecorder()
	rd.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/_lockbox/ready", nil))
	if rec.Code != http.StatusOK || rec.Body.String() != "ready\n" {
		t.Fatalf("ready: %d %q", rec.Code, rec.Body)
	}
	_ = st.Close()
	// A fresh check (the answer is reused for a second) sees the store gone.
	rd = health.NewReadiness(&health.Checker{Store: st, Backend: "bolt"})
	rec = httptest.NewRecorder()
	rd.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/_lockbox/ready", nil))
	if rec.Code != http.StatusServiceUnavailable || rec.Body.String() != "not ready\n" || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("not ready: %d %q %v", rec.Code, rec.Body, rec.Header())
	}
	rec = httptest.NewRecorder()
	rd.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/_lockbox/ready", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %d", rec.Code)
	}
}
