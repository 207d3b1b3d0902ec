package appapi

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/ratelimit"
)

// throttled answers 429 when r's client has no failed key attempts
// left. The key is not even checked then, so a guess cannot succeed
// while the client waits.
func (h *Handler) throttled(w http.ResponseWriter, r *http.Request) bool {
	l := h.d.Limits
	if l == nil {
		return false
	}
	wait := l.APIFailures.Wait(r.Context(), l.ClientKey(r))
	if wait == 0 {
		return false
	}
	h.warnRefused(r, "app api client rate limited", "too many failed API key attempts")
	ratelimit.RetryAfter(w.Header(), wait)
	httpjson.WriteError(w, httpjson.WithStatus(http.StatusTooManyRequests, problem.New(problem.Forbidden, "rate_limited",
		"too many failed API key attempts from this address; try again in %s", wait.Round(time.Second))))
	return true
}

// refused counts a failed key attempt against r's client and logs it.
func (h *Handler) refused(r *http.Request, err error) {
	if l := h.d.Limits; l != nil {
		l.APIFailures.Allow(r.Context(), l.ClientKey(r))
	}
	h.warnRefused(r, "app api key refused", problem.As(err).Message)
}

// warnRefused logs a refusal at warn, unless r's client has had its
// share of lines lately; the next line written says how many were held
// back. It names the key by a fingerprint, never the key.
func (h *Handler) warnRefused(r *http.Request, msg, reason string) {
	if h.d.Logger == nil {
		return
	}
	remote, held, ok := h.d.Limits.LogPass(r)
	if !ok {
		return
	}
	h.d.Logger.Warn(msg,
		zap.String("remote", remote),
		zap.String("route", h.route(r)),
		zap.String("key", fingerprint(r)),
		zap.String("reason", reason),
		zap.Int("held_back", held))
}

// route is the API route r is for, as its pattern: nothing the client
// sent in the path, which might hold a key, reaches the log.
func (h *Handler) route(r *http.Request) string {
	mux, ok := h.mux.(*http.ServeMux)
	if !ok {
		return ""
	}
	_, pattern := mux.Handler(r)
	if pattern == "/" {
		return "unknown path"
	}
	return pattern
}

// fingerprint names the bearer key r sent without revealing it: the
// first 8 hex digits of its SHA-256 ("none" without one). An operator
// compares it with printf %s "$KEY" | sha256sum.
func fingerprint(r *http.Request) string {
	key, ok := bearer(r)
	if !ok {
		return "none"
	}
	sum := sha256.Sum256([]byte(key))
	return fmt.Sprintf("sha256:%s", hex.EncodeToString(sum[:4]))
}
