package caddymodule

import (
	"fmt"
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/lockbox-gw/lockbox/internal/instance"
	"github.com/lockbox-gw/lockbox/internal/siteconfig"
)

// config maps the JSON fields to the app's config, placeholders
// replaced. A word whose placeholders leave it empty is an error, not a
// silently missing setting; instance checks the rest.
func (a *App) config(repl *caddy.Replacer) (instance.Config, error) {
	r := func(v string) string { return repl.ReplaceKnown(v, "") }
	c := instance.Config{
		DataDir:         caddy.AppDataDir(),
		Audit:           instance.Audit{Mode: a.AuditMode, Replicas: a.AuditReplicas, ReplicaWait: time.Duration(a.AuditReplicaTimeout)},
		PublicURL:       r(a.PublicBaseURL),
		AdminRoles:      a.TenantAdminRoles,
		LinkTTL:         time.Duration(a.AdminLinkTTL),
		GrantDurations:  a.GrantDurations,
		ApprovalsNeeded: a.ApprovalsNeeded,
		RequestTTL:      time.Duration(a.RequestTTL),
		ClientIP:        clientIP,
	}
	if a.Storage != nil {
		c.Storage = &instance.Storage{Backend: a.Storage.Backend, URL: r(a.Storage.URL), Path: r(a.Storage.Path)}
	}
	if a.RateLimit != nil {
		c.RateLimit = instance.RateLimit(*a.RateLimit)
	}
	for _, d := range a.NotifyBackoff {
		c.NotifyBackoff = append(c.NotifyBackoff, time.Duration(d))
	}
	for _, w := range a.Webhooks {
		c.Webhooks = append(c.Webhooks, instance.Webhook{URL: r(w.URL), Secret: r(w.Secret)})
	}
	var err error
	if c.SMTP, err = a.SMTP.resolve(repl); err != nil {
		return c, err
	}
	if c.Retention, c.KeepAll, err = retentionWindow(a.AuditRetention); err != nil {
		return c, err
	}
	return c, a.files(repl, &c)
}

// files replaces the placeholders of the words naming files and keys.
func (a *App) files(repl *caddy.Replacer, c *instance.Config) error {
	var err error
	if c.SigningKeyFile, err = replaced(repl, a.SigningKeyFile, "signing_key_file"); err != nil {
		return err
	}
	if c.LinkKeyFile, err = replaced(repl, a.LinkKeyFile, "link_key_file"); err != nil {
		return err
	}
	if c.Archive, err = replaced(repl, a.AuditArchive, "audit_archive"); err != nil {
		return err
	}
	for i, k := range a.APIKeys {
		v, err := replaced(repl, k, fmt.Sprintf("api_key %d", i+1))
		if err != nil {
			return err
		}
		c.APIKeys = append(c.APIKeys, v)
	}
	return nil
}

// accessWords are the words every site's app API and Support Access
// page share, as written, for siteconfig to check.
func (a *App) accessWords() siteconfig.Access {
	return siteconfig.Access{
		APIKeys: a.APIKeys, PublicURL: a.PublicBaseURL, LinkTTL: time.Duration(a.AdminLinkTTL),
		AdminRoles: a.TenantAdminRoles, GrantDurations: a.GrantDurations,
	}
}

// replaced is v with its placeholders replaced; a v that they leave
// empty is refused, naming word.
func replaced(repl *caddy.Replacer, v, word string) (string, error) {
	out := repl.ReplaceKnown(v, "")
	if v != "" && out == "" {
		return "", fmt.Errorf("%s is empty once placeholders are replaced (is its environment variable set?)", word)
	}
	return out, nil
}
