// Package adminmail decides which support-access events tenant admins are
// emailed about, and writes each admin's email: what the event was and a
// freshly signed link to the Support Access page.
package adminmail

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"go.uber.org/zap"

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

// Sender sends one rendered email; *email.Sender is one.
type Sender interface {
	Send(ctx context.Context, m email.Message) error
}

// Mailer emails a tenant's registered admins about support-access
// events. It is the notifier's Recipients and Deliverer.
type Mailer struct {
	// Admins are the tenants' registered admins, the only recipients.
	Admins *admins.Registry
	// Links signs each admin's link to the Support Access page.
	Links *adminlink.Links
	// Sender sends the rendered emails.
	Sender Sender
	// Site returns the base URL and Lockbox prefix links lead to; an
	// empty base sends the email without a link.
	Site func() (base, prefix string)
	// LinkTTL is how long a link in an email opens.
	LinkTTL time.Duration
	// Now is the clock links expire by.
	Now func() time.Time
	// Logger warns of emails sent without a link.
	Logger *zap.Logger
}

// Recipients are the email addresses of the tenant's registered admins,
// for the events admins are emailed about.
func (m *Mailer) Recipients(ctx context.Context, tenant, event string) ([]string, error) {
	if !emailed[event] {
		return nil, nil
	}
	list, err := m.Admins.Get(ctx, tenant)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(list))
	for _, ad := range list {
		out = append(out, ad.Email)
	}
	return out, nil
}

// Deliver renders and sends one email notification. What retrying cannot
// fix (an admin no longer registered, a message the server refuses for
// good) is marked permanent.
func (m *Mailer) Deliver(ctx context.Context, n store.Notification) error {
	data, err := Data(n)
	if err != nil {
		return notify.Permanent(err)
	}
	admin, err := m.adminByEmail(ctx, n.Tenant, n.Target)
	if err != nil {
		return err
	}
	link, err := m.link(ctx, n.Tenant, admin)
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
	if err := m.Sender.Send(ctx, msg); err != nil {
		if email.IsPermanent(err) {
			return notify.Permanent(err)
		}
		return err
	}
	return nil
}

// ErrNotAdmin: the address is no longer one of the tenant's admins.
var ErrNotAdmin = errors.New("the address is no longer a registered admin of the tenant")

// adminByEmail finds the tenant's admin with address addr.
func (m *Mailer) adminByEmail(ctx context.Context, tenant, addr string) (admins.Admin, error) {
	list, err := m.Admins.Get(ctx, tenant)
	if err != nil {
		return admins.Admin{}, err
	}
	for _, ad := range list {
		if strings.EqualFold(ad.Email, addr) {
			return ad, nil
		}
	}
	return admins.Admin{}, notify.Permanent(ErrNotAdmin)
}

// link signs a link to the Support Access page for admin, lasting
// LinkTTL; empty when no site is known to lead it to.
func (m *Mailer) link(ctx context.Context, tenant string, admin admins.Admin) (string, error) {
	base, prefix := m.Site()
	if base == "" {
		m.Logger.Warn("emailing an admin without a link: set public_url, or serve a site with the lockbox handler")
		return "", nil
	}
	link, _, err := m.Links.Link(ctx, base, prefix, adminlink.Claims{
		Tenant: tenant, AdminID: admin.ID, Role: admin.Role,
		ExpiresAt: m.Now().Add(m.LinkTTL),
	})
	if err != nil {
		return "", err
	}
	return link, nil
}

// Interface guards
var (
	_ notify.Deliverer  = (*Mailer)(nil)
	_ notify.Recipients = notify.RecipientsFunc((*Mailer)(nil).Recipients)
	_ Sender            = (*email.Sender)(nil)
)
