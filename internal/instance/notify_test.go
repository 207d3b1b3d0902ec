package instance

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/request"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/sweep"
	"github.com/lockbox-gw/lockbox/internal/testkit"
)

// pending lists the notifications waiting in the outbox.
func pending(t *testing.T, i *Instance) []store.Notification {
	t.Helper()
	list, _, err := i.Store().Notifications(context.Background(), store.NotificationPending, store.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// countKinds counts notifications of event by kind.
func countKinds(ns []store.Notification, event string) map[string]int {
	out := map[string]int{}
	for _, n := range ns {
		if n.Event == event {
			out[n.Kind]++
		}
	}
	return out
}

func TestSitesAndPublicURL(t *testing.T) {
	i := open(t, Config{})
	if i.PublicURL() != "" || i.LinkPrefix() != "/_lockbox" || i.LinkTTL() != 24*time.Hour {
		t.Errorf("before any site: public url %q, prefix %q, link ttl %s", i.PublicURL(), i.LinkPrefix(), i.LinkTTL())
	}
	i.NoteSite("https://app.example.com", "/support", nil)
	i.NoteSite("https://other.example.com", "/_lockbox", nil)
	if i.PublicURL() != "https://app.example.com" || i.LinkPrefix() != "/support" {
		t.Errorf("links lead to %q %q; want the first site", i.PublicURL(), i.LinkPrefix())
	}

	set := open(t, Config{PublicURL: "https://support.example.com/", GrantDurations: []string{"7d", "1d"}})
	set.NoteSite("http://127.0.0.1:8080", "/_lockbox", nil)
	if set.PublicURL() != "https://support.example.com" || set.ConfiguredPublicURL() != "https://support.example.com" {
		t.Errorf("public url %q", set.PublicURL())
	}
	if r := set.Rules(); !r.NoStanding || !slices.Equal(r.Durations, []time.Duration{24 * time.Hour, 7 * 24 * time.Hour}) {
		t.Errorf("rules %+v; want 1d and 7d, no standing", r)
	}
}

func TestSweepRecordsExpiries(t *testing.T) {
	i := open(t, Config{})
	past := time.Now().Add(-time.Hour).UTC()
	g := store.Grant{ID: "g_old", Tenant: "acme", Scopes: []string{"read"}, CreatedBy: store.Actor{ID: "ops:test"},
		CreatedAt: past.Add(-time.Hour), ExpiresAt: &past}
	if _, err := i.Store().PutGrant(context.Background(), g); err != nil {
		t.Fatal(err)
	}
	i.sweeper.Every = 10 * time.Millisecond
	i.Start()
	t.Cleanup(i.Stop)
	testkit.Eventually(t, func() bool {
		got, err := i.Store().GetGrant(context.Background(), "acme", g.ID)
		return err == nil && got.EndReason == store.EndExpired
	}, "the sweep to record the expiry")
}

// TestSweepWarnsOfExpiringGrantsOnce: the warning goes to the webhook
// and each admin once, even when two instances sweep.
func TestSweepWarnsOfExpiringGrantsOnce(t *testing.T) {
	i := open(t, Config{
		Webhooks: []Webhook{{URL: "https://app.internal/hooks", Secret: testSecret}},
		SMTP:     &SMTP{Address: "127.0.0.1:1", From: "support@example.com", TLS: "none"}})
	ctx := context.Background()
	if _, err := i.Admins().Set(ctx, "acme", []admins.Admin{
		{ID: "ana", Email: "ana@example.com", Role: "owner"}, {ID: "ben", Email: "ben@example.com", Role: "admin"},
	}, store.Actor{ID: "app"}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	soon, later, past := now.Add(2*time.Hour), now.Add(5*24*time.Hour), now.Add(-time.Minute)
	for _, g := range []store.Grant{
		{ID: "g_soon", Tenant: "acme", CreatedAt: now.Add(-6 * 24 * time.Hour), ExpiresAt: &soon},
		{ID: "g_later", Tenant: "globex", CreatedAt: now.Add(-2 * 24 * time.Hour), ExpiresAt: &later},
		{ID: "g_past", Tenant: "initech", CreatedAt: now.Add(-2 * 24 * time.Hour), ExpiresAt: &past},
	} {
		g.Scopes, g.CreatedBy = []string{"read"}, store.Actor{ID: "ops:test"}
		if _, err := i.Store().PutGrant(ctx, g); err != nil {
			t.Fatal(err)
		}
	}

	i.sweeper.Once(ctx)
	// Another instance, which has warned of nothing yet: the outbox still
	// sends once.
	other := &sweep.Sweeper{Grants: i.Grants(), Publisher: i.Notifier(), Logger: i.logger}
	other.Once(ctx)

	got := pending(t, i)
	if k := countKinds(got, notify.GrantExpiring); k["webhook"] != 1 || k["email"] != 2 {
		t.Errorf("grant.expiring notifications %v; want one webhook and an email to each admin", k)
	}
	if k := countKinds(got, notify.GrantExpired); k["webhook"] != 1 || k["email"] != 0 {
		t.Errorf("grant.expired notifications %v; want the webhook only (initech has no admins)", k)
	}
	for _, n := range got {
		if n.Tenant == "globex" {
			t.Errorf("a grant with days left was warned of: %+v", n)
		}
	}
}

// TestNotificationsFollowTheRunningConfig: what the shared audit writer
// appends goes out with the settings of the config started last.
func TestNotificationsFollowTheRunningConfig(t *testing.T) {
	s, _ := bolt(t)
	oldCfg := open(t, Config{Storage: s, Webhooks: []Webhook{{URL: "http://127.0.0.1:1/old", Secret: testSecret}}})
	newCfg := open(t, Config{Storage: s, Webhooks: []Webhook{{URL: "http://127.0.0.1:1/new", Secret: testSecret}}})
	// A reload: the new config starts, then the old one stops and goes.
	newCfg.Start()
	t.Cleanup(newCfg.Stop)
	oldCfg.Stop()
	if err := oldCfg.Close(); err != nil {
		t.Fatal(err)
	}

	// An old request still finishing records through the shared writer.
	ev := store.Event{Type: notify.BreakGlassUsed, Time: time.Now()}
	if err := oldCfg.Audit().RecordSync(context.Background(), "acme", ev); err != nil {
		t.Fatal(err)
	}
	var targets []string
	for _, n := range pending(t, newCfg) {
		targets = append(targets, n.Target)
	}
	if !slices.Equal(targets, []string{"http://127.0.0.1:1/new"}) {
		t.Errorf("breakglass.used went to %v; want the new config's webhook only", targets)
	}
}

// TestSweepExpiresRequests: a request nobody answered within the request
// lifetime ends as expired on the sweep, without anyone looking at it,
// and the webhook is told once; one still within its time is left.
func TestSweepExpiresRequests(t *testing.T) {
	i := open(t, Config{RequestTTL: time.Hour, ApprovalsNeeded: 2,
		Webhooks: []Webhook{{URL: "https://app.internal/hooks", Secret: testSecret}}})
	ctx := context.Background()
	ask := func(tenant string, ago time.Duration) request.Request {
		t.Helper()
		then := func() time.Time { return time.Now().Add(-ago) }
		svc, err := request.New(grant.New(i.Store(), then), i.set.requests)
		if err != nil {
			t.Fatal(err)
		}
		r, err := svc.Create(ctx, request.Ask{Tenant: tenant, Reason: "checking", Duration: "1d",
			// An agent per request: asking again reads the agent's own requests,
			// which would record the expiry before the sweep.
			Agent: store.Agent{Subject: "agent-of-" + tenant, Issuer: "https://idp.example"}})
		if err != nil {
			t.Fatal(err)
		}
		if r.Needed != 2 || !r.ExpiresAt.Equal(r.CreatedAt.Add(time.Hour)) {
			t.Fatalf("request made with %d approvals needed, lasting %s; want 2 and 1h", r.Needed, r.ExpiresAt.Sub(r.CreatedAt))
		}
		return r
	}
	old, fresh := ask("acme", 2*time.Hour), ask("globex", time.Minute)

	i.sweeper.Once(ctx)
	i.sweeper.Once(ctx)
	// Counted before anything reads the requests, which would record the
	// expiry too.
	if k := countKinds(pending(t, i), notify.RequestExpired); k["webhook"] != 1 {
		t.Errorf("request.expired notifications %v; want one webhook", k)
	}
	for _, c := range []struct {
		r    request.Request
		want string
	}{{old, request.Expired}, {fresh, request.Pending}} {
		got, err := i.AccessRequests().Get(ctx, c.r.ID)
		if err != nil || got.State != c.want {
			t.Errorf("request of %s after the sweep: %+v, %v; want %s", c.r.Tenant, got.State, err, c.want)
		}
	}
}
