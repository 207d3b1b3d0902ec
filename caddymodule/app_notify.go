package caddymodule

import (
	"fmt"

	"go.uber.org/zap"

	"github.com/caddyserver/caddy/v2"

	"github.com/lockbox-gw/lockbox/internal/adminmail"
	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/notify/email"
)

// newNotifier builds the app's notifier: a webhook per endpoint and,
// with smtp, an email to each of the tenant's registered admins. It
// contacts nothing.
func (a *App) newNotifier() (*notify.Notifier, error) {
	cfg := notify.Config{
		Endpoints: a.access.endpoints,
		Backoff:   a.access.backoff,
		Logger:    caddy.Log().Named("lockbox.notify"),
	}
	if a.access.smtp != nil {
		sender, err := email.New(*a.access.smtp)
		if err != nil {
			return nil, err
		}
		m := &adminmail.Mailer{
			Admins: a.admins, Links: a.links, Sender: sender, Site: a.linkSite,
			LinkTTL: a.access.linkTTL, Now: a.grants.Now, Logger: a.logger,
		}
		cfg.Recipients, cfg.Email = notify.RecipientsFunc(m.Recipients), m
	}
	n, err := notify.New(a.rawStore, cfg)
	if err != nil {
		return nil, fmt.Errorf("setting up notifications: %v", err)
	}
	return n, nil
}

// linkSite is where links in emails lead: the base URL and prefix.
func (a *App) linkSite() (base, prefix string) { return a.PublicURL(), a.LinkPrefix() }

// startNotifier starts sending notifications and makes this config's
// notifier the one appended events are published through.
func (a *App) startNotifier() {
	a.publisher.use(a.notifier)
	a.stopNotifier = a.notifier.Start()
	a.logger.Debug("notifier started",
		zap.Int("webhooks", len(a.access.endpoints)), zap.Bool("email", a.access.smtp != nil))
}

// Interface guards
var (
	_ notify.Publisher = (*currentNotifier)(nil)
	_ caddy.Destructor = pooledPublisher{}
)
