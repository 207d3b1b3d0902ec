package caddymodule

import (
	"context"
	"net/url"
	"strconv"

	"go.uber.org/zap"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/lockbox-gw/lockbox/internal/policy"
	"github.com/lockbox-gw/lockbox/internal/request"
)

// unmarshalApprovalsNeeded parses
//
//	approvals_needed <n>
func (a *App) unmarshalApprovalsNeeded(d *caddyfile.Dispenser) error {
	if a.ApprovalsNeeded != 0 {
		return d.Err("approvals_needed is already set; give it once")
	}
	v, err := oneArg(d, "approvals_needed", "how many different admins must approve an access request, such as 2")
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > request.MaxNeeded {
		return d.Errf("approvals_needed %q must be a whole number from 1 to %d", clip(v), request.MaxNeeded)
	}
	a.ApprovalsNeeded = n
	return nil
}

// unmarshalRequestTTL parses
//
//	request_ttl <duration>
func (a *App) unmarshalRequestTTL(d *caddyfile.Dispenser) error {
	if a.RequestTTL != 0 {
		return d.Err("request_ttl is already set; give it once")
	}
	v, err := oneArg(d, "request_ttl", "how long an access request waits for a decision, such as 72h")
	if err != nil {
		return err
	}
	ttl, err := caddy.ParseDuration(v)
	if err != nil || ttl <= 0 {
		return d.Errf("request_ttl %q is not a positive duration such as 72h or 3d", clip(v))
	}
	if _, err := (request.Config{TTL: ttl}).Normalized(); err != nil {
		return d.Err(err.Error())
	}
	a.RequestTTL = caddy.Duration(ttl)
	return nil
}

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
