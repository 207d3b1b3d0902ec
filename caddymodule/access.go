package caddymodule

import (
	"fmt"
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/notify/email"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/siteconfig"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

// accessSettings are the app's tenant admin and notification settings,
// placeholders replaced and defaults applied.
type accessSettings struct {
	apiKeys   []string
	publicURL string // "" for the site's issuer origin
	linkTTL   time.Duration
	rules     tenantadmin.Rules
	endpoints []notify.Endpoint
	smtp      *email.Config // nil: no email
	backoff   []time.Duration
	requests  request.Config // without a site's areas and review links
}

// resolveAccess replaces the placeholders of the tenant admin and
// notification settings and checks them. Errors never carry a secret.
func (a *App) resolveAccess(repl *caddy.Replacer) (accessSettings, error) {
	var s accessSettings
	words, err := a.accessWords().Resolve(func(v string) string { return repl.ReplaceKnown(v, "") })
	if err != nil {
		return s, err
	}
	s.apiKeys, s.publicURL, s.linkTTL, s.rules = words.APIKeys, words.PublicURL, words.LinkTTL, words.Rules
	if s.endpoints, err = a.endpoints(repl); err != nil {
		return s, err
	}
	if s.smtp, err = a.smtpConfig(repl); err != nil {
		return s, err
	}
	if s.backoff, err = backoff(a.NotifyBackoff); err != nil {
		return s, err
	}
	s.requests, err = request.Config{
		TTL: time.Duration(a.RequestTTL), Needed: a.ApprovalsNeeded, Durations: s.rules.Durations,
	}.Normalized()
	if err != nil {
		return s, fmt.Errorf("access requests: %v", err)
	}
	return s, nil
}

// accessWords are the tenant admin words as siteconfig checks them.
func (a *App) accessWords() siteconfig.Access {
	return siteconfig.Access{
		APIKeys: a.APIKeys, PublicURL: a.PublicBaseURL, LinkTTL: time.Duration(a.AdminLinkTTL),
		AdminRoles: a.TenantAdminRoles, GrantDurations: a.GrantDurations,
	}
}

// endpoints are the webhooks, placeholders replaced and checked.
func (a *App) endpoints(repl *caddy.Replacer) ([]notify.Endpoint, error) {
	out := make([]notify.Endpoint, 0, len(a.Webhooks))
	for i, w := range a.Webhooks {
		ep, err := w.resolve(repl, i)
		if err != nil {
			return nil, err
		}
		out = append(out, ep)
	}
	return out, nil
}

// smtpConfig is the email sender's config; nil without smtp.
func (a *App) smtpConfig(repl *caddy.Replacer) (*email.Config, error) {
	if a.SMTP == nil {
		return nil, nil
	}
	c, err := a.SMTP.resolve(repl)
	if err != nil {
		return nil, err
	}
	return &c, nil
}
