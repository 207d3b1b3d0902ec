package opsapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

// Bounds and default of a link's lifetime.
const (
	DefaultLinkTTL = 24 * time.Hour
	minLinkTTL     = time.Minute // "1m" in the refusal's message
)

// defaultPrefix is the contract's default Lockbox prefix of a site.
const defaultPrefix = "/_lockbox"

// LinkSettings say where admin links lead, how long they open and for
// which admins.
type LinkSettings struct {
	// PublicURL returns the origin links start with, such as
	// https://app.example.com; "" while none is known, and links are
	// refused. It is asked at each request because the app may learn it
	// from its sites after the API is made.
	PublicURL func() string
	// Prefix returns Lockbox's path prefix on that site; nil means
	// /_lockbox.
	Prefix func() string
	// TTL is how long a link opens unless the request asks otherwise;
	// zero means DefaultLinkTTL.
	TTL time.Duration
	// Roles are the registered admin roles a link may be made for; none
	// means tenantadmin.DefaultRoles.
	Roles []string
	// Areas returns the areas configured on the site links lead to, which
	// a link limited to areas must name; nil means none, and a link that
	// names areas is refused. Asked at each request, like PublicURL.
	Areas func() policy.Areas
}

// linkBody is the body of POST /lockbox/tenants/{tenant}/admin-links.
type linkBody struct {
	AdminID string `json:"admin_id"`
	// TTL is the link's lifetime, "24h" or "7d"; default the settings'.
	TTL string `json:"ttl"`
	// Areas are the only areas the link's holder may grant; none means
	// any, the whole app included.
	Areas []string `json:"areas"`
}

// adminLink answers POST .../admin-links.
type adminLink struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

// WithLinks lets the API sign links to the Support Access page with l,
// for admins registered through WithAdmins.
func WithLinks(l *adminlink.Links, s LinkSettings) Option {
	if s.TTL <= 0 {
		s.TTL = DefaultLinkTTL
	}
	if len(s.Roles) == 0 {
		s.Roles = tenantadmin.DefaultRoles
	}
	return func(h *Handler) { h.links, h.linkCfg = l, s }
}

func (h *Handler) createLink(w http.ResponseWriter, r *http.Request) error {
	t, err := httpjson.PathTenant(r)
	if err != nil {
		return err
	}
	var body linkBody
	if err := httpjson.Decode(w, r, &body); err != nil {
		return err
	}
	ttl, err := body.ttl(h.linkCfg.TTL)
	if err != nil {
		return err
	}
	base, err := h.linkBase()
	if err != nil {
		return err
	}
	c, err := h.linkClaims(r, t, body.AdminID)
	if err != nil {
		return err
	}
	if c.Areas, err = h.linkAreas(body.Areas); err != nil {
		return err
	}
	c.ExpiresAt = h.svc.Now().Add(ttl)
	u, signed, err := h.links.Link(r.Context(), base, h.linkPrefix(), c)
	if err != nil {
		return err
	}
	return h.resp.Reply(w, r, http.StatusCreated, adminLink{URL: u, ExpiresAt: signed.ExpiresAt})
}

// ttl reads the asked lifetime, def when none is asked.
func (b linkBody) ttl(def time.Duration) (time.Duration, error) {
	if b.TTL == "" {
		return def, nil
	}
	d, err := grant.ParseDuration(b.TTL)
	if err != nil || d < minLinkTTL || d > adminlink.MaxTTL {
		return 0, problem.New(problem.Invalid, "invalid_ttl", "invalid ttl %q: use hours and minutes like 24h or 90m, or days like 7d, from 1m to %s",
			problem.Clip(b.TTL, 40), grant.FormatDuration(adminlink.MaxTTL))
	}
	return d, nil
}

// linkBase returns the public URL links start with.
func (h *Handler) linkBase() (string, error) {
	if h.admins == nil || h.links == nil {
		return "", problem.New(problem.Unavailable, "links_unavailable", "admin links are not available here")
	}
	var base string
	if h.linkCfg.PublicURL != nil {
		base = h.linkCfg.PublicURL()
	}
	if base == "" {
		return "", problem.New(problem.Conflict, "public_url_required",
			"admin links need the public URL of the site that serves the Support Access page: set public_url in the lockbox global options")
	}
	return base, nil
}

// linkAreas checks the areas a link limits its holder to against the
// site's, and returns them sorted without repeats.
func (h *Handler) linkAreas(names []string) ([]string, error) {
	areas, err := grant.CanonicalAreas(names)
	if err != nil || len(areas) == 0 {
		return nil, err
	}
	var configured policy.Areas
	if h.linkCfg.Areas != nil {
		configured = h.linkCfg.Areas()
	}
	if err := grant.CheckAreas(areas, configured, nil); err != nil {
		return nil, err
	}
	return areas, nil
}

// linkPrefix returns the Lockbox prefix links lead under.
func (h *Handler) linkPrefix() string {
	if h.linkCfg.Prefix == nil {
		return defaultPrefix
	}
	return h.linkCfg.Prefix()
}

// linkClaims returns the claims of a link for the tenant's admin id, who
// must be registered with a role that may change support access.
func (h *Handler) linkClaims(r *http.Request, t, id string) (adminlink.Claims, error) {
	if strings.TrimSpace(id) == "" {
		return adminlink.Claims{}, problem.New(problem.Invalid, "invalid_admin", `"admin_id" is required: the registered admin the link is for`)
	}
	a, err := h.admins.Find(r.Context(), t, id)
	if err != nil {
		return adminlink.Claims{}, err
	}
	if err := (tenantadmin.Rules{Roles: h.linkCfg.Roles}).RoleAllowed(a); err != nil {
		return adminlink.Claims{}, err
	}
	return adminlink.Claims{Tenant: t, AdminID: a.ID, Role: a.Role}, nil
}
