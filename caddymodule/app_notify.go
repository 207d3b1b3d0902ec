package caddymodule

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"go.uber.org/zap"

	"github.com/caddyserver/caddy/v2"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/notify/email"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// emailed are the events tenant admins get an email about; email.Render
// knows each.
var emailed = map[string]bool{
	email.KindGrantCreated:  true,
	email.KindGrantRevoked:  true,
	email.KindGrantExpiring: true,
	email.KindGrantExpired:  true,
	// Every admin is told of an emergency entry at once.
	email.KindBreakGlassUsed: true,
	// Every admin is asked to decide.
	email.KindRequestCreated: true,
}

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
		cfg.Recipients = notify.RecipientsFunc(a.recipients)
		cfg.Email = &adminMailer{app: a, sender: sender}
	}
	n, err := notify.New(a.rawStore, cfg)
	if err != nil {
		return nil, fmt.Errorf("setting up notifications: %v", err)
	}
	return n, nil
}

// recipients are the email addresses of the tenant's registered admins,
// for the events admins are emailed about.
func (a *App) recipients(ctx context.Context, tenant, event string) ([]string, error) {
	if !emailed[event] {
		return nil, nil
	}
	list, err := a.admins.Get(ctx, tenant)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(list))
	for _, ad := range list {
		out = append(out, ad.Email)
	}
	return out, nil
}

// adminMailer emails one admin about a grant or break-glass event, with the admin's own
// freshly signed link to the Support Access page.
type adminMailer struct {
	app    *App
	sender *email.Sender
}

// Deliver renders and sends one email notification. What retrying cannot
// fix (an admin no longer registered, a message the server refuses for
// good) is marked permanent.
func (m *adminMailer) Deliver(ctx context.Context, n store.Notification) error {
	data, err := emailData(n)
	if err != nil {
		return notify.Permanent(err)
	}
	admin, err := m.app.adminByEmail(ctx, n.Tenant, n.Target)
	if err != nil {
		return err
	}
	link, err := m.app.adminLink(ctx, n.Tenant, admin)
	if err != nil {
		return err
	}
	if data.Request != nil && link != "" {
		link += "&request=" + url.QueryEscape(data.Request.ID) // the page opens at the request
	}
	data.Tenant, data.Link = n.Tenant, link
	data.Recipient = email.Recipient{Name: admin.Name, Email: admin.Email}
	msg, err := email.Render(n.Event, data)
	if err != nil {
		return notify.Permanent(err)
	}
	if err := m.sender.Send(ctx, msg); err != nil {
		if email.IsPermanent(err) {
			return notify.Permanent(err)
		}
		return err
	}
	return nil
}

// errNotAdmin: the address is no longer one of the tenant's admins.
var errNotAdmin = errors.New("the address is no longer a registered admin of the tenant")

// adminByEmail finds the tenant's admin with address addr.
func (a *App) adminByEmail(ctx context.Context, tenant, addr string) (admins.Admin, error) {
	list, err := a.admins.Get(ctx, tenant)
	if err != nil {
		return admins.Admin{}, err
	}
	for _, ad := range list {
		if strings.EqualFold(ad.Email, addr) {
			return ad, nil
		}
	}
	return admins.Admin{}, notify.Permanent(errNotAdmin)
}

// adminLink signs a link to the Support Access page for admin, lasting
// link_ttl; empty when no site is known to lead it to.
func (a *App) adminLink(ctx context.Context, tenant string, admin admins.Admin) (string, error) {
	base := a.PublicURL()
	if base == "" {
		a.logger.Warn("emailing an admin without a link: set public_url, or serve a site with the lockbox handler")
		return "", nil
	}
	link, _, err := a.links.Link(ctx, base, a.LinkPrefix(), adminlink.Claims{
		Tenant: tenant, AdminID: admin.ID, Role: admin.Role,
		ExpiresAt: a.grants.Now().Add(a.access.linkTTL),
	})
	if err != nil {
		return "", err
	}
	return link, nil
}

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
	_ notify.Deliverer = (*adminMailer)(nil)
	_ notify.Publisher = (*currentNotifier)(nil)
	_ caddy.Destructor = pooledPublisher{}
)
