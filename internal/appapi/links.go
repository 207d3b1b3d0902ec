package appapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
)

// linkBody is the body of POST .../admin-links.
type linkBody struct {
	AdminID string `json:"admin_id"`
	// Areas are the only areas the link's holder may grant; none means
	// any, the whole app included.
	Areas []string `json:"areas"`
}

// adminLink answers POST .../admin-links.
type adminLink struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
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
	if strings.TrimSpace(body.AdminID) == "" {
		return problem.New(problem.Invalid, "invalid_admin", `"admin_id" is required: the registered admin the link is for`)
	}
	a, err := h.d.Admins.Find(r.Context(), t, body.AdminID)
	if err != nil {
		return err
	}
	if err := h.cfg.rules().RoleAllowed(a); err != nil {
		return err
	}
	areas, err := grant.CanonicalAreas(body.Areas)
	if err != nil {
		return err
	}
	if err := grant.CheckAreas(areas, h.cfg.Areas, nil); err != nil {
		return err
	}
	c := adminlink.Claims{Tenant: t, AdminID: a.ID, Role: a.Role, ExpiresAt: h.d.Grants.Now().Add(h.cfg.LinkTTL), Areas: areas}
	u, signed, err := h.d.Links.Link(r.Context(), h.cfg.PublicURL, h.cfg.Prefix, c)
	if err != nil {
		return err
	}
	return h.resp.Reply(w, r, http.StatusCreated, adminLink{URL: u, ExpiresAt: signed.ExpiresAt})
}
