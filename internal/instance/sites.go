package instance

import (
	"maps"
	"net/url"
	"sync"
	"time"

	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/siteconfig"
)

// NoteSite notes a site's origin, prefix and areas; the first one noted
// is where admin links lead (its origin when no PublicURL is set).
func (i *Instance) NoteSite(origin, prefix string, areas policy.Areas) {
	i.sites.note(origin, prefix, areas)
}

// PublicURL returns the base URL admin links start with: PublicURL, or
// without it the origin of the first site noted ("" until then).
func (i *Instance) PublicURL() string {
	if i.set.publicURL != "" {
		return i.set.publicURL
	}
	origin, _ := i.sites.get()
	return origin
}

// LinkPrefix returns the Lockbox prefix of the first site noted, where
// admin links lead (the default prefix until then).
func (i *Instance) LinkPrefix() string {
	_, prefix := i.sites.get()
	return prefix
}

// LinkAreas returns the areas of the first site noted, where admin links
// lead: the areas a link may limit its holder to.
func (i *Instance) LinkAreas() policy.Areas { return i.sites.areas() }

// SiteAreas returns the areas every site noted defines, by name: the
// only names an operator's grant may carry.
func (i *Instance) SiteAreas() policy.Areas { return i.sites.allAreas() }

// Requests returns an access request service for a site: the instance's
// settings, the site's areas, and review links to the Support Access
// page in notifications.
func (i *Instance) Requests(areas policy.Areas) (*request.Service, error) {
	cfg := i.set.requests
	cfg.Areas = areas
	cfg.ReviewURL = i.reviewURL
	return request.New(i.grants, cfg)
}

// reviewURL is where an admin reviews a request: the Support Access page
// at the request, which opens once the admin has signed in with their
// link.
func (i *Instance) reviewURL(_, id string) string {
	base := i.PublicURL()
	if base == "" {
		return ""
	}
	return base + i.LinkPrefix() + "/admin?request=" + url.QueryEscape(id) + "#request-" + id
}

// linkSite is where links in emails lead: the base URL and prefix.
func (i *Instance) linkSite() (base, prefix string) { return i.PublicURL(), i.LinkPrefix() }

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

// longest keeps the longest of the durations noted.
type longest struct {
	mu sync.Mutex
	d  time.Duration
}

func (l *longest) note(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.d = max(l.d, d)
}

func (l *longest) get() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.d
}
