package health

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/lockbox-gw/lockbox/internal/problem"
)

// readyFor is how long a readiness answer is reused, so load balancers
// polling many times a second cost the store one probe a second.
const readyFor = time.Second

// Readiness answers load balancers: 200 "ready" or 503 "not ready",
// nothing more, so it is safe to expose on a public site.
type Readiness struct {
	check func(ctx context.Context) bool
	mux   *http.ServeMux // GET and HEAD, on whatever path it is mounted

	mu    sync.Mutex
	at    time.Time
	ready bool
}

// NewReadiness returns a readiness check over c.
func NewReadiness(c *Checker) *Readiness {
	rd := &Readiness{check: func(ctx context.Context) bool { return c.Check(ctx).Ready }, mux: http.NewServeMux()}
	rd.mux.HandleFunc("GET /", rd.serve)
	rd.mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Allow", "GET, HEAD")
		w.WriteHeader(http.StatusMethodNotAllowed)
	})
	return rd
}

// Ready reports whether agents would be served, probing at most once
// every readyFor.
func (rd *Readiness) Ready(ctx context.Context) bool {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	if time.Since(rd.at) < readyFor && !rd.at.IsZero() {
		return rd.ready
	}
	rd.ready, rd.at = rd.check(ctx), time.Now()
	return rd.ready
}

// ServeHTTP answers GET and HEAD with the readiness as plain text.
func (rd *Readiness) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	rd.mux.ServeHTTP(w, r)
}

// serve answers a GET or HEAD.
func (rd *Readiness) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	status, body := http.StatusOK, "ready\n"
	if !rd.Ready(r.Context()) {
		status, body = http.StatusServiceUnavailable, "not ready\n"
	}
	problem.SetRetryAfter(h, status)
	w.WriteHeader(status)
	if r.Method == http.MethodGet {
		_, _ = w.Write([]byte(body))
	}
}
