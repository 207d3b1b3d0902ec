package appapi

import (
	"net/http"
	"slices"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/httpjson"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// adminRef names the tenant admin on whose behalf the app acts.
type adminRef struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Role  string `json:"role"`
}

// actingAdmin returns the actor for ref: an admin registered for the
// tenant (so an admin of one tenant cannot act on another), matching the
// email and role the app sent, whose role may change support access. The
// registry's record is what the audit trail keeps.
func (h *Handler) actingAdmin(r *http.Request, tenantID string, ref *adminRef) (store.Actor, error) {
	if ref == nil || strings.TrimSpace(ref.ID) == "" {
		return store.Actor{}, problem.New(problem.Invalid, "invalid_admin", `say which tenant admin is acting: "admin": {"id": ..., "email": ..., "role": ...} is required`)
	}
	a, err := h.registered(r, tenantID, ref.ID)
	if err != nil {
		return store.Actor{}, err
	}
	if ref.Email != "" && !strings.EqualFold(ref.Email, a.Email) || ref.Role != "" && ref.Role != a.Role {
		return store.Actor{}, problem.New(problem.Forbidden, "admin_mismatch",
			"admin %q is registered for tenant %s with another email or role; update the admins first", httpjson.Clip(ref.ID), tenantID)
	}
	if err := h.roleAllowed(a); err != nil {
		return store.Actor{}, err
	}
	return store.Actor{ID: a.ID, Email: a.Email, Role: a.Role}, nil
}

// registered returns the tenant's admin id; one the tenant has not
// registered is Forbidden.
func (h *Handler) registered(r *http.Request, tenantID, id string) (admins.Admin, error) {
	a, err := h.d.Admins.Find(r.Context(), tenantID, id)
	if problem.As(err).Code == "admin_not_found" {
		return admins.Admin{}, problem.New(problem.Forbidden, "admin_not_registered",
			"admin %q is not registered for tenant %s; register the tenant's admins with PUT %s/tenants/%s/admins",
			httpjson.Clip(id), tenantID, h.cfg.base(), tenantID)
	}
	return a, err
}

// roleAllowed refuses an admin whose role may not change support access.
func (h *Handler) roleAllowed(a admins.Admin) error {
	if slices.Contains(h.cfg.AdminRoles, a.Role) {
		return nil
	}
	return problem.New(problem.Forbidden, "role_not_allowed",
		"role %q may not change support access; allowed roles: %s", httpjson.Clip(a.Role), strings.Join(h.cfg.AdminRoles, ", "))
}
