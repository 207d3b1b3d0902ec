package main

import (
	"context"
	"fmt"
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/lockbox-gw/lockbox/caddymodule"
	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/demoapp"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// demoOperator is the actor the demo's own changes are recorded as.
var demoOperator = store.Actor{ID: "ops:demo"}

// lockboxApp returns the running lockbox app.
func lockboxApp() (*caddymodule.App, error) {
	v, err := caddy.ActiveContext().App("lockbox")
	if err != nil {
		return nil, fmt.Errorf("finding the lockbox app: %v", err)
	}
	a, ok := v.(*caddymodule.App)
	if !ok {
		return nil, fmt.Errorf("the lockbox app has unexpected type %T", v)
	}
	return a, nil
}

// seedAdmins registers the demo tenants' admins; a second run finds
// them registered and writes nothing.
func seedAdmins(ctx context.Context, a *caddymodule.App) error {
	for tenant, list := range demoapp.TenantAdmins {
		if _, err := a.Admins().Set(ctx, tenant, list, demoOperator); err != nil {
			return fmt.Errorf("registering the admins of %s: %v", tenant, err)
		}
	}
	return nil
}

// adminLink signs a Support Access link for the granted tenant's admin,
// leading to the demo site, for as long as the app's link_ttl.
func adminLink(ctx context.Context, a *caddymodule.App) (string, adminlink.Claims, error) {
	admin := demoapp.LinkAdmin()
	c := adminlink.Claims{Tenant: demoapp.GrantedTenant, AdminID: admin.ID, Role: admin.Role,
		ExpiresAt: time.Now().Add(a.LinkTTL())}
	u, signed, err := a.Links().Link(ctx, a.PublicURL(), a.LinkPrefix(), c)
	if err != nil {
		return "", adminlink.Claims{}, fmt.Errorf("making the Support Access link: %v", err)
	}
	return u, signed, nil
}
