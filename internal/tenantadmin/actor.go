package tenantadmin

import (
	"context"

	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Actor returns admin id of the tenant as the actor of a change to
// support access: the admin must be registered for that tenant (see
// Registered) and hold an allowed role. The registry's record is returned
// and is what the audit trail keeps.
func (r Rules) Actor(ctx context.Context, reg *admins.Registry, tenantID, id string) (store.Actor, admins.Admin, error) {
	a, err := Registered(ctx, reg, tenantID, id)
	if err != nil {
		return store.Actor{}, admins.Admin{}, err
	}
	if err := r.RoleAllowed(a); err != nil {
		return store.Actor{}, admins.Admin{}, err
	}
	return ActorOf(a), a, nil
}

// Registered returns admin id of the tenant, so an admin of one tenant
// cannot act on another. An unregistered id is Forbidden
// "admin_not_registered".
func Registered(ctx context.Context, reg *admins.Registry, tenantID, id string) (admins.Admin, error) {
	a, err := reg.Find(ctx, tenantID, id)
	if problem.As(err).Code == "admin_not_found" {
		return admins.Admin{}, problem.New(problem.Forbidden, "admin_not_registered",
			"admin %q is not registered for tenant %s", problem.Clip(id, 80), tenantID)
	}
	return a, err
}

// ActorOf is the registered admin a as the audit trail names it.
func ActorOf(a admins.Admin) store.Actor {
	return store.Actor{ID: a.ID, Email: a.Email, Role: a.Role}
}
