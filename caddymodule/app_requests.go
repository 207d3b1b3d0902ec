package caddymodule

import (
	"context"
	"net/url"

	"go.uber.org/zap"

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

// expireRequests records the expiry of access requests past their
// lifetime, so their notifications go out without anyone looking; a
// failure is logged and the next sweep tries again.
func (a *App) expireRequests(ctx context.Context) {
	if a.requests == nil {
		return
	}
	n, err := a.requests.ExpireDue(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		a.logger.Error("recording expired access requests", zap.Error(err))
	case n > 0:
		a.logger.Info("access requests expired", zap.Int("count", n))
	}
}
