// Package opsapi is the operators' JSON API over grants, the audit trail,
// impersonation sessions and the signing keys, served under /lockbox/ as a
// plain http.Handler. The Caddy admin
// module mounts it on the admin endpoint; nothing here depends on Caddy.
package opsapi

import (
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// Prefix is the path every route of the API starts with.
const Prefix = "/lockbox/"

// Handler serves the ops API.
type Handler struct {
	svc     *grant.Service
	keys    *token.Keys
	keepFor func() time.Duration
	logger  *zap.Logger
	mux     *http.ServeMux
}

// Option configures a Handler.
type Option func(*Handler)

// WithLogger logs the cause of every 5xx answer, once, to l. Causes of
// 4xx answers are the caller's mistakes and are not logged.
func WithLogger(l *zap.Logger) Option {
	return func(h *Handler) {
		if l != nil {
			h.logger = l
		}
	}
}

// WithKeys lets the API rotate the signing keys k. keepFor says, at each
// rotation, how long the retired key stays published: at least the
// longest lifetime of the tokens it signed. A nil keepFor keeps it for
// token.DefaultTTL.
func WithKeys(k *token.Keys, keepFor func() time.Duration) Option {
	if keepFor == nil {
		keepFor = func() time.Duration { return token.DefaultTTL }
	}
	return func(h *Handler) {
		h.keys, h.keepFor = k, keepFor
	}
}

// New returns the API over svc. Request paths are full paths, starting
// with Prefix.
func New(svc *grant.Service, opts ...Option) *Handler {
	h := &Handler{svc: svc, logger: zap.NewNop(), mux: http.NewServeMux()}
	for _, o := range opts {
		o(h)
	}
	h.routes()
	return h
}

// ServeHTTP answers one API request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mux.ServeHTTP(w, r)
}

// endpoint is a route's work; an error it returns becomes the answer.
type endpoint func(w http.ResponseWriter, r *http.Request) error

// serve adapts an endpoint to net/http.
func (h *Handler) serve(e endpoint) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := e(w, r); err != nil {
			h.fail(w, r, err)
		}
	}
}

// fail answers with err, logging the cause when the fault is ours.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := httpjson.Status(err)
	if status >= http.StatusInternalServerError {
		p := problem.As(err)
		h.logger.Error("ops api request failed",
			zap.String("method", r.Method),
			zap.String("path", r.URL.Path),
			zap.Int("status", status),
			zap.String("code", p.Code),
			zap.NamedError("cause", p.Cause))
	}
	httpjson.WriteError(w, err)
}

// reply answers with v, logging an encoding failure like any 5xx.
func (h *Handler) reply(w http.ResponseWriter, r *http.Request, status int, v any) error {
	if err := httpjson.Write(w, status, v); err != nil {
		h.logger.Error("ops api response not encodable", zap.String("path", r.URL.Path), zap.Error(err))
	}
	return nil
}

var _ http.Handler = (*Handler)(nil)
