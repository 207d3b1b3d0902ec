package caddymodule

import (
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/siteconfig"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

// Admins returns the registry of the tenants' admins.
func (a *App) Admins() *admins.Registry { return a.admins }

// Links returns the signer of admin links to the Support Access page.
func (a *App) Links() *adminlink.Links { return a.links }

// AdminSessions returns the admins' browser sessions on the Support
// Access page, opened from Links.
func (a *App) AdminSessions() *adminlink.Sessions { return a.sessions }

// Notifier returns the notifier that sends webhooks and emails. It is
// never nil once provisioned; with no webhook and no smtp it sends
// nothing.
func (a *App) Notifier() *notify.Notifier { return a.notifier }

// PublicURL returns the base URL admin links start with: public_url, or
// without it the origin of the first site using Lockbox (empty until a
// site is provisioned).
func (a *App) PublicURL() string {
	if a.access.publicURL != "" {
		return a.access.publicURL
	}
	origin, _ := a.sites.get()
	return origin
}

// LinkPrefix returns the Lockbox prefix of the first site using Lockbox,
// where admin links lead (the default prefix until a site is
// provisioned).
func (a *App) LinkPrefix() string {
	_, prefix := a.sites.get()
	return prefix
}

// LinkAreas returns the areas of the first site using Lockbox, where
// admin links lead: the areas a link may limit its holder to.
func (a *App) LinkAreas() policy.Areas { return a.sites.areas() }

// SiteAreas returns the areas every site using Lockbox defines, by name:
// the only names an operator's grant may carry.
func (a *App) SiteAreas() policy.Areas { return a.sites.allAreas() }

// LinkTTL returns how long an admin link opens.
func (a *App) LinkTTL() time.Duration { return a.access.linkTTL }

// AdminRoles returns the registered admin roles that may change support
// access.
func (a *App) AdminRoles() []string { return slices.Clone(a.access.rules.Roles) }

// Rules returns what tenant admins may do and choose, shared by the app
// API and the Support Access page.
func (a *App) Rules() tenantadmin.Rules { return a.access.rules }

// useSite notes a site's origin, prefix and areas; the first one noted
// is where admin links lead (its origin when no public_url is set).
func (a *App) useSite(origin, prefix string, areas policy.Areas) {
	a.sites.note(origin, prefix, areas)
}

// firstSite keeps the origin, prefix and areas of the first site noted,
// and the names of the areas every site noted defines.
type firstSite struct {
	mu             sync.Mutex
	origin, prefix string
	areaList       policy.Areas
	union          policy.Areas
}

func (f *firstSite) note(origin, prefix string, areas policy.Areas) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.origin == "" {
		f.origin, f.prefix, f.areaList = origin, prefix, areas
	}
	for name, patterns := range areas {
		if f.union == nil {
			f.union = policy.Areas{}
		}
		if _, ok := f.union[name]; !ok {
			f.union[name] = patterns
		}
	}
}

// allAreas returns the areas of every site noted, by name (the patterns
// are those of the first site defining each).
func (f *firstSite) allAreas() policy.Areas {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.union)
}

func (f *firstSite) areas() policy.Areas {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.areaList
}

func (f *firstSite) get() (origin, prefix string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.prefix == "" {
		return f.origin, siteconfig.DefaultPrefix
	}
	return f.origin, f.prefix
}
