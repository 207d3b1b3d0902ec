// Package adminpage is Lockbox's hosted Support Access page: a tenant
// admin opens it from a signed link (see package adminlink) and, without
// any JavaScript, sees whether support may enter the tenant, grants or
// revokes that access, approves or denies agents' access requests, and
// reads every support visit and its requests.
//
// A link's GET only shows who it is for and a Continue button (mail
// scanners fetch links, and a GET changes nothing); the button's POST
// spends the link, once across every instance, and starts the admin's
// own browser session. Every form checks the
// session's CSRF token, the request's origin, the tenant it was made for,
// and that the admin is still registered with a role that may act. The
// handler takes full request paths, <prefix>/admin and below, and is free
// of Caddy.
package adminpage

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/checkpoint"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
	"github.com/lockbox-gw/lockbox/internal/websession"
)

// DefaultPrefix is Lockbox's default path prefix.
const DefaultPrefix = "/_lockbox"

// Config is the page's settings.
type Config struct {
	// Prefix is Lockbox's path prefix; default /_lockbox. The page is at
	// <Prefix>/admin.
	Prefix string
	// Rules say which admin roles may act and which grant lengths are
	// offered; the app API must get the same.
	Rules tenantadmin.Rules
	// Areas are the site's configured areas, which grants may be
	// limited to by name.
	Areas policy.Areas
}

// Deps are the parts the page works with; all but Requests, Notify and
// Logger are required. Sessions must use the same Links, and Requests
// the same Grants.
type Deps struct {
	Grants   *grant.Service
	Admins   *admins.Registry
	Links    *adminlink.Links
	Sessions *adminlink.Sessions
	// Requests lets admins approve or deny agents' access requests on
	// the page; nil leaves requests off the page.
	Requests *request.Service
	// Notify is told of a stored grant change ("grant.created",
	// "grant.revoked" or "grant.extended", with the store.Grant), as the
	// app API tells it.
	Notify func(ctx context.Context, tenant, event string, payload any)
	// Logger gets the cause of every 5xx answer; nil logs nothing.
	Logger *zap.Logger
	// Checkpoints returns the tenant's latest signed audit checkpoint
	// (store.ErrNotFound if none), shown on the page with a download;
	// nil leaves it off.
	Checkpoints func(ctx context.Context, tenant string) (checkpoint.Signed, error)
}

// Handler serves the page and its forms.
type Handler struct {
	base  string // <prefix>/admin
	rules tenantadmin.Rules
	areas policy.Areas
	d     Deps
	guard http.Handler // serve behind websession.CrossOrigin
}

// New checks cfg, fills in defaults and returns the page.
func New(cfg Config, d Deps) (*Handler, error) {
	if d.Grants == nil || d.Admins == nil || d.Links == nil || d.Sessions == nil {
		return nil, errors.New("admin page: grants, admins, links and sessions are required")
	}
	prefix := cfg.Prefix
	if prefix == "" {
		prefix = DefaultPrefix
	}
	rules, err := cfg.Rules.Normalized()
	if err != nil {
		return nil, err
	}
	if d.Logger == nil {
		d.Logger = zap.NewNop()
	}
	prefix = strings.TrimSuffix("/"+strings.Trim(prefix, "/"), "/")
	if prefix != "" && !prefixPattern.MatchString(prefix) {
		return nil, fmt.Errorf("admin page: prefix %q must be a plain path such as /_lockbox", prefix)
	}
	h := &Handler{base: prefix + adminlink.PagePath, rules: rules, areas: cfg.Areas, d: d}
	h.guard = websession.CrossOrigin(h.newMux(), http.HandlerFunc(h.crossOriginRefused))
	return h, nil
}

// ServeHTTP answers one request under <prefix>/admin. Every POST is a
// form of the page or the link's Continue: a cross-origin one is refused
// first, and the session's CSRF token or the link's token checked next.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.guard.ServeHTTP(w, r)
}

// crossOriginRefused answers a POST that another site sent.
func (h *Handler) crossOriginRefused(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == h.base+openPath {
		noTrace(w)
		h.openRefused(w)
		return
	}
	h.formRefused(w)
}

// notify tells the notifier, if any, of a stored change; it outlives the
// request.
func (h *Handler) notify(r *http.Request, tenantID, event string, payload any) {
	if h.d.Notify != nil {
		h.d.Notify(context.WithoutCancel(r.Context()), tenantID, event, payload)
	}
}

var _ http.Handler = (*Handler)(nil)
