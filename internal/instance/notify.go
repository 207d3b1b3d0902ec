package instance

import (
	"fmt"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/adminmail"
	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/notify/email"
)

// newNotifier builds the notifier: a webhook per endpoint and, with
// smtp, an email to each of the tenant's registered admins (adminmail
// decides which events reach whom). It contacts nothing.
func (i *Instance) newNotifier() (*notify.Notifier, error) {
	cfg := notify.Config{
		Endpoints: i.set.endpoints,
		Backoff:   i.set.backoff,
		Logger:    i.shared.Named("notify"),
	}
	if i.set.smtp != nil {
		sender, err := email.New(*i.set.smtp)
		if err != nil {
			return nil, err
		}
		m := &adminmail.Mailer{
			Admins: i.admins, Links: i.links, Sender: sender, Site: i.linkSite,
			LinkTTL: i.set.linkTTL, Now: i.grants.Now, Logger: i.logger,
		}
		cfg.Recipients, cfg.Email = notify.RecipientsFunc(m.Recipients), m
	}
	n, err := notify.New(i.rawStore, cfg)
	if err != nil {
		return nil, fmt.Errorf("setting up notifications: %v", err)
	}
	return n, nil
}

// startNotifier starts sending notifications and makes this config's
// notifier the one appended events are published through.
func (i *Instance) startNotifier() {
	i.publisher.n.Store(i.notifier)
	i.stopNotifier = i.notifier.Start()
	i.logger.Debug("notifier started",
		zap.Int("webhooks", len(i.set.endpoints)), zap.Bool("email", i.set.smtp != nil))
}
