package adminmail_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/lockbox-gw/lockbox/internal/adminlink"
	"github.com/lockbox-gw/lockbox/internal/adminmail"
	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/notify/email"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// outbox keeps the messages a Mailer sends instead of dialing a server.
type outbox struct{ sent []email.Message }

func (o *outbox) Send(_ context.Context, m email.Message) error {
	o.sent = append(o.sent, m)
	return nil
}

// newMailer is a Mailer over a real bolt store with ana and ben as
// acme's admins, leading links to base.
func newMailer(t *testing.T, base string) (*adminmail.Mailer, *outbox) {
	t.Helper()
	st := testkit.Bolt(t)
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	now := func() time.Time { return at }
	reg := admins.New(st, now)
	if _, err := reg.Set(context.Background(), "acme", []admins.Admin{
		{ID: "ana", Email: "ana@example.com", Role: "owner"}, {ID: "ben", Email: "ben@example.com", Role: "admin"},
	}, store.Actor{ID: "app"}); err != nil {
		t.Fatal(err)
	}
	o := new(outbox)
	return &adminmail.Mailer{
		Admins: reg, Links: adminlink.NewLinks(st, now), Sender: o,
		Site:    func() (string, string) { return base, "/_lockbox" },
		LinkTTL: time.Hour, Now: now, Logger: zap.NewNop(),
	}, o
}

func TestRecipientsAreTheAdminsOfEmailedEvents(t *testing.T) {
	m, _ := newMailer(t, "https://app.example.com")
	for _, c := range []struct {
		name, tenant, event string
		want                []string
	}{
		{name: "grant created", tenant: "acme", event: email.KindGrantCreated, want: []string{"ana@example.com", "ben@example.com"}},
		{name: "break glass", tenant: "acme", event: email.KindBreakGlassUsed, want: []string{"ana@example.com", "ben@example.com"}},
		{name: "event not emailed", tenant: "acme", event: "session.started", want: nil},
		{name: "tenant without admins", tenant: "globex", event: email.KindGrantCreated, want: []string{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := m.Recipients(context.Background(), c.tenant, c.event)
			if err != nil || !slices.Equal(got, c.want) {
				t.Errorf("recipients %v, %v; want %v", got, err, c.want)
			}
		})
	}
}

// grantNotification is a grant.created email to addr.
func grantNotification(t *testing.T, addr string) store.Notification {
	t.Helper()
	payload, err := json.Marshal(notify.NewGrantData(store.Grant{ID: "g_1", Tenant: "acme", Scopes: []string{"read"},
		CreatedAt: time.Date(2030, 1, 2, 3, 0, 0, 0, time.UTC), CreatedBy: store.Actor{ID: "ops:test"}}))
	if err != nil {
		t.Fatal(err)
	}
	return store.Notification{Event: email.KindGrantCreated, Tenant: "acme", Target: addr, Payload: payload}
}

func TestDeliverSendsEachAdminTheirOwnLink(t *testing.T) {
	m, o := newMailer(t, "https://app.example.com")
	if err := m.Deliver(context.Background(), grantNotification(t, "BEN@example.com")); err != nil {
		t.Fatal(err)
	}
	if len(o.sent) != 1 || !strings.Contains(o.sent[0].To, "ben@example.com") {
		t.Fatalf("sent %+v; want one email to ben", o.sent)
	}
	if !strings.Contains(o.sent[0].Text, "https://app.example.com/_lockbox/") {
		t.Errorf("email without a link to the Support Access page:\n%s", o.sent[0].Text)
	}
}

func TestDeliverWithoutSiteSendsNoLink(t *testing.T) {
	m, o := newMailer(t, "")
	if err := m.Deliver(context.Background(), grantNotification(t, "ana@example.com")); err != nil {
		t.Fatal(err)
	}
	if len(o.sent) != 1 || strings.Contains(o.sent[0].Text, "/_lockbox/") {
		t.Fatalf("sent %+v; want one email without a link", o.sent)
	}
}

func TestDeliverToFormerAdminIsPermanent(t *testing.T) {
	m, o := newMailer(t, "https://app.example.com")
	err := m.Deliver(context.Background(), grantNotification(t, "eve@example.com"))
	if !errors.Is(err, adminmail.ErrNotAdmin) || !notify.IsPermanent(err) {
		t.Errorf("deliver to a former admin: %v; want a permanent ErrNotAdmin", err)
	}
	if len(o.sent) != 0 {
		t.Errorf("sent %d emails to a former admin", len(o.sent))
	}
}

func TestDeliverUnreadablePayloadIsPermanent(t *testing.T) {
	m, _ := newMailer(t, "https://app.example.com")
	n := grantNotification(t, "ana@example.com")
	n.Payload = []byte(`{`)
	if err := m.Deliver(context.Background(), n); !notify.IsPermanent(err) {
		t.Errorf("deliver of an unreadable payload: %v; want permanent", err)
	}
}
