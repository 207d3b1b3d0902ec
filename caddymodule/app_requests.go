package caddymodule

import (
	"net/url"

	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/request"
)

// Requests returns an access request service for a site: the app's
// settings, the site's areas, and review links to the Support Access
// page in notifications.
func (a *App) Requests(areas policy.Areas) (*request.Service, error) {
	cfg := a.access.requests
	cfg.Areas = areas
	cfg.ReviewURL = a.reviewURL
	return request.New(a.grants, cfg)
}

// reviewURL is where an admin reviews a request: the Support Access
// page at the request, which opens once the admin has signed in with
// their link.
func (a *App) reviewURL(_, id string) string {
	base := a.PublicURL()
	if base == "" {
		return ""
	}
	return base + a.LinkPrefix() + "/admin?request=" + url.QueryEscape(id) + "#request-" + id
}
