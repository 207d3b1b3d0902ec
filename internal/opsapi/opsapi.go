// Package opsapi is the operators' JSON API over grants, the audit trail,
// impersonation sessions, the signing keys, tenants' admins and their
// links to the Support Access page, access requests, and webhook tests, served under
// /lockbox/ as a plain http.Handler. The Caddy admin module mounts it on
// the admin endpoint; nothing here depends on Caddy.
package opsapi

import (
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/retention"
	"github.com/lockbox-gw/lockbox/internal/tenantapi"
	"github.com/lockbox-gw/lockbox/internal/token"
)

// Prefix is the path every route of the API starts with.
const Prefix = "/lockbox/"

// Handler serves the ops API.
type Handler struct {
	svc      *grant.Service
	keys     *token.Keys
	keepFor  func() time.Duration
	admins   *admins.Registry
	links    *adminlink.Links
	linkCfg  LinkSettings
	notifier *notify.Notifier
	requests *request.Service
	areas    func() policy.Areas // defined by the sites; nil: none
	resp     httpjson.Responder
	mux      *http.ServeMux
	// tenant serves the routes shared with the app API.
	tenant *tenantapi.Handlers

	// retention reports the audit retention mover; nil: none.
	retention func() (retention.Status, bool)
}

// Option configures a Handler.
type Option func(*Handler)

// WithLogger logs the cause of every 5xx answer, once, to l. Causes of
// 4xx answers are the caller's mistakes and are not logged.
func WithLogger(l *zap.Logger) Option {
	return func(h *Handler) {
		if l != nil {
			h.resp.Logger = l
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
	h := &Handler{svc: svc, resp: httpjson.Responder{API: "ops api"}}
	for _, o := range opts {
		o(h)
	}
	h.tenant = &tenantapi.Handlers{Grants: svc, Admins: h.admins, Resp: h.resp, Caller: h.caller()}
	h.mux = httpjson.NewMux(h.routes(), httpjson.NotFound("ops API"))
	return h
}

// ServeHTTP answers one API request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mux.ServeHTTP(w, r)
}

var _ http.Handler = (*Handler)(nil)
