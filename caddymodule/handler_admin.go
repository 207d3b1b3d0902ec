package caddymodule

import (
	"fmt"
	"net/http"
	"net/url"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/adminpage"
	"github.com/lockbox-gw/lockbox/internal/appapi"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/siteconfig"
)

// tenantAdmin builds the site's app API and hosted Support Access page
// over the app's shared parts, under the site's prefix. Admin links the
// API hands out start with public_url, or else the site's origin. Neither
// is given a Notify hook: the app's store publishes every grant event
// appended to it, whoever appends it.
func tenantAdmin(app *App, s siteconfig.Settings, requests *request.Service, logger *zap.Logger) (api, page http.Handler, err error) {
	prefix := s.Gateway.Prefix
	origin, err := issuerOrigin(s.Minter.Issuer)
	if err != nil {
		return nil, nil, err
	}
	app.NoteSite(origin, prefix, s.Gateway.Areas)
	base := app.ConfiguredPublicURL()
	if base == "" {
		base = origin
	}
	rules := app.Rules()
	apiHandler, err := appapi.New(appapi.Config{
		APIKeys: app.AppAPIKeys(), AdminRoles: rules.Roles, Durations: rules.Durations, NoStanding: rules.NoStanding,
		LinkTTL: app.LinkTTL(), PublicURL: base, Prefix: prefix, Areas: s.Gateway.Areas,
	}, appapi.Deps{Grants: app.Grants(), Requests: requests, Admins: app.Admins(), Links: app.Links(), Logger: logger, Limits: app.Limits(), Checkpoints: app.Checkpoints()})
	if err != nil {
		return nil, nil, fmt.Errorf("lockbox: %v", err)
	}
	pageDeps := adminpage.Deps{
		Grants: app.Grants(), Requests: requests, Admins: app.Admins(), Links: app.Links(), Sessions: app.AdminSessions(), Logger: logger,
	}
	if cps := app.Checkpoints(); cps != nil {
		pageDeps.Checkpoints = cps.Latest
	}
	pageHandler, err := adminpage.New(adminpage.Config{Prefix: prefix, Rules: rules, Areas: s.Gateway.Areas}, pageDeps)
	if err != nil {
		return nil, nil, fmt.Errorf("lockbox: %v", err)
	}
	return apiHandler, pageHandler, nil
}

// issuerOrigin is the scheme and host of the token issuer, which the
// handler has already checked.
func issuerOrigin(issuer string) (string, error) {
	u, err := url.Parse(issuer)
	if err != nil {
		return "", fmt.Errorf("lockbox issuer: %v", err)
	}
	return u.Scheme + "://" + u.Host, nil
}
