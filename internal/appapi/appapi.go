// Package appapi is the JSON API the upstream app calls, server to
// server, from its own settings pages: a tenant's grants, impersonation
// sessions, audit trail, admins and agents' access requests, and signed
// links to Lockbox's hosted Support Access page. It is served under
// <prefix>/api/v1/ as a plain http.Handler, authenticated with
// Authorization: Bearer <api key>, and describes itself at
// <prefix>/api/v1/openapi.json. Nothing here depends on Caddy.
package appapi

import (
	"context"
	"errors"
	"net/http"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/ratelimit"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenantapi"
)

// Path is where the API lives under the Lockbox prefix.
const Path = "/api/v1"

// Notifier is told of a change the tenant's admins should hear about,
// after it is stored: event is an audit type such as "grant.created" and
// payload the changed record (a store.Grant for grant events, a
// request.Request for request events).
type Notifier func(ctx context.Context, tenant, event string, payload any)

// Deps are the parts the API works with. Grants, Admins, Links and
// Requests are required when the API is enabled; the store is
// Grants.Store().
type Deps struct {
	Grants *grant.Service
	Admins *admins.Registry
	Links  *adminlink.Links
	// Requests are the agents' access requests the tenant's admins
	// approve or deny; its clock is the grant service's.
	Requests *request.Service
	// Notify may be nil.
	Notify Notifier
	// Checkpoints sign and list audit checkpoints; nil answers 503.
	Checkpoints Checkpointer
	// Logger gets the cause of every 5xx answer and a warning for each
	// refused API key; nil logs nothing.
	Logger *zap.Logger
	// Limits cap the failed key attempts of each client, and the
	// warnings about them; nil sets no limit.
	Limits *ratelimit.Limits
}

// Handler serves the app API.
type Handler struct {
	cfg  Config
	d    Deps
	keys keyring
	doc  []byte
	resp httpjson.Responder
	mux  http.Handler
	// tenant serves the routes shared with the ops API.
	tenant *tenantapi.Handlers
}

// New checks cfg, fills in defaults and returns the API. Request paths
// are full paths, starting with cfg.Prefix + Path. With no API keys the
// API is disabled: every request is answered 404 "api_disabled".
func New(cfg Config, d Deps) (*Handler, error) {
	cfg, err := cfg.normalized()
	if err != nil {
		return nil, err
	}
	h := &Handler{cfg: cfg, d: d}
	if cfg.disabled() {
		return h, nil
	}
	if d.Grants == nil || d.Admins == nil || d.Links == nil || d.Requests == nil {
		return nil, errors.New("app api: grants, admins, links and requests are required")
	}
	h.resp = httpjson.Responder{API: "app api", Logger: d.Logger}
	h.keys = newKeyring(cfg.APIKeys)
	h.tenant = &tenantapi.Handlers{Grants: d.Grants, Admins: d.Admins, Resp: h.resp, Caller: h.caller()}
	if h.doc, err = h.document(); err != nil {
		return nil, err
	}
	h.mux = httpjson.NewMux(h.muxRoutes(), httpjson.NotFound("Lockbox API"))
	return h, nil
}

// ServeHTTP answers one API request: the key is checked before anything
// else, except for the public OpenAPI document.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if h.cfg.disabled() {
		httpjson.WriteError(w, disabled())
		return
	}
	if h.throttled(w, r) {
		return
	}
	if err := h.authorize(r); err != nil {
		h.refused(r, err)
		w.Header().Set("WWW-Authenticate", `Bearer realm="lockbox"`)
		h.resp.Fail(w, r, err)
		return
	}
	h.mux.ServeHTTP(w, r)
}

// store is where sessions and the audit trail are read.
func (h *Handler) store() store.Store { return h.d.Grants.Store() }

// notify tells the notifier, if any, of a stored change. The request may
// end first; the notification still goes out.
func (h *Handler) notify(r *http.Request, tenantID, event string, payload any) {
	if h.d.Notify != nil {
		h.d.Notify(context.WithoutCancel(r.Context()), tenantID, event, payload)
	}
}

func disabled() error {
	return problem.New(problem.NotFound, "api_disabled", "the Lockbox API is off: no api_key is configured")
}

var _ http.Handler = (*Handler)(nil)
