package appapi

import (
	"net/http"
	"strings"

	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

// adminRef names the tenant admin on whose behalf the app acts.
type adminRef struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Role  string `json:"role"`
}

// actingAdmin returns the actor for ref: an admin registered for the
// tenant, matching the email and role the app sent, whose role may change
// support access. The registry's record is what the audit trail keeps.
func (h *Handler) actingAdmin(r *http.Request, tenantID string, ref *adminRef) (store.Actor, error) {
	if ref == nil || strings.TrimSpace(ref.ID) == "" {
		return store.Actor{}, problem.New(problem.Invalid, "invalid_admin", `say which tenant admin is acting: "admin": {"id": ..., "email": ..., "role": ...} is required`)
	}
	a, err := tenantadmin.Registered(r.Context(), h.d.Admins, tenantID, ref.ID)
	if err != nil {
		return store.Actor{}, h.registerHint(err, tenantID)
	}
	// A mismatch is told before the role, so the app learns its copy of
	// the admins is stale rather than that the admin may not act.
	if ref.Email != "" && !strings.EqualFold(ref.Email, a.Email) || ref.Role != "" && ref.Role != a.Role {
		return store.Actor{}, problem.New(problem.Forbidden, "admin_mismatch",
			"admin %q is registered for tenant %s with another email or role; update the admins first", problem.Clip(ref.ID, 80), tenantID)
	}
	if err := h.cfg.rules().RoleAllowed(a); err != nil {
		return store.Actor{}, err
	}
	return tenantadmin.ActorOf(a), nil
}

// registerHint adds to an unregistered admin's refusal the route that
// registers the tenant's admins.
func (h *Handler) registerHint(err error, tenantID string) error {
	p := problem.As(err)
	if p.Code != "admin_not_registered" {
		return err
	}
	return problem.New(p.Kind, p.Code, "%s; register the tenant's admins with PUT %s/tenants/%s/admins", p.Message, h.cfg.base(), tenantID)
}
