package caddymodule

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/notify/email"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/tenantadmin"
)

// Defaults of the tenant admin settings.
const (
	defaultLinkTTL = 24 * time.Hour
	minLinkTTL     = time.Minute
	// standingWord is the grant_durations choice of a grant with no expiry.
	standingWord = tenantadmin.Standing
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
	var err error
	if s.apiKeys, err = apiKeys(a.APIKeys, repl); err != nil {
		return s, err
	}
	if s.publicURL, err = publicURL(repl.ReplaceKnown(a.PublicBaseURL, "")); err != nil {
		return s, err
	}
	if s.linkTTL, err = linkTTL(time.Duration(a.AdminLinkTTL)); err != nil {
		return s, err
	}
	if s.rules, err = a.rules(); err != nil {
		return s, err
	}
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

// apiKeys replaces placeholders in the keys; a key that resolves to
// nothing is an error, not a silently smaller set.
func apiKeys(keys []string, repl *caddy.Replacer) ([]string, error) {
	out := make([]string, 0, len(keys))
	for i, k := range keys {
		v := repl.ReplaceKnown(k, "")
		if v == "" {
			return nil, fmt.Errorf("api_key %d is empty once placeholders are replaced (is its environment variable set?)", i+1)
		}
		if err := checkAPIKey(v); err != nil {
			return nil, fmt.Errorf("api_key %d: %v", i+1, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// publicURL checks the base of admin links: an absolute http or https
// URL without user info, query or fragment. It returns it without a final
// slash.
func publicURL(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != "" {
		return "", fmt.Errorf("public_url %q must be an absolute http or https URL without user info, query or fragment", clip(raw))
	}
	return strings.TrimSuffix(raw, "/"), nil
}

// linkTTL applies the default and bounds of link_ttl.
func linkTTL(d time.Duration) (time.Duration, error) {
	if d == 0 {
		return defaultLinkTTL, nil
	}
	if d < minLinkTTL || d > adminlink.MaxTTL {
		return 0, fmt.Errorf("link_ttl %s is out of range: use %s to %s", grant.FormatDuration(d), minLinkTTL, grant.FormatDuration(adminlink.MaxTTL))
	}
	return d, nil
}

// rules are admin_roles and grant_durations, defaults applied.
func (a *App) rules() (tenantadmin.Rules, error) {
	r := tenantadmin.Rules{Roles: a.TenantAdminRoles}
	if len(a.GrantDurations) > 0 {
		r.NoStanding = true
	}
	for _, word := range a.GrantDurations {
		if word == standingWord {
			r.NoStanding = false
			continue
		}
		d, err := grant.ParseDuration(word)
		if err != nil {
			return r, fmt.Errorf("grant_durations: %v", err)
		}
		r.Durations = append(r.Durations, d)
	}
	if len(a.GrantDurations) > 0 && len(r.Durations) == 0 {
		return r, errors.New("grant_durations needs at least one length, such as 7d, besides standing")
	}
	return r.Normalized()
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
