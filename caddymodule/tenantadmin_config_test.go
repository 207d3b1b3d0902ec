package caddymodule

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig"

	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/notify"
	"github.com/lockbox-gw/lockbox/internal/store"
	"github.com/lockbox-gw/lockbox/internal/sweep"
)

// testSecret is a well-formed webhook secret; tests check it is never
// echoed.
var testSecret = notify.NewSecret()

func TestTenantAdminCaddyfileErrors(t *testing.T) {
	tests := []struct {
		name  string
		lines string
		want  string
	}{
		{name: "api_key without a key", lines: "api_key", want: "api_key needs the key"},
		{name: "api_key too short", lines: "api_key hunter2", want: "api_key: the key must be 16 to 512 printable characters"},
		{name: "api_key with two keys", lines: "api_key hunter2hunter2hunter2 hunter2", want: "api_key takes exactly one key"},
		{name: "public_url not absolute", lines: "public_url app.example.com", want: `public_url "app.example.com" must be an absolute http or https URL`},
		{name: "public_url with a query", lines: "public_url https://app.example.com/?x=1", want: "without user info, query or fragment"},
		{name: "public_url twice", lines: "public_url https://a.example\n\t\tpublic_url https://b.example", want: "public_url is already set"},
		{name: "admin_roles empty", lines: "admin_roles", want: "admin_roles needs the admin roles"},
		{name: "link_ttl not a duration", lines: "link_ttl soon", want: `link_ttl "soon" is not a positive duration`},
		{name: "link_ttl too long", lines: "link_ttl 60d", want: "link_ttl 60d is out of range"},
		{name: "grant_durations bad word", lines: "grant_durations 7d forever", want: `invalid duration "forever"`},
		{name: "grant_durations only standing", lines: "grant_durations standing", want: "grant_durations needs at least one length"},
		{name: "grant_durations too short", lines: "grant_durations 10s", want: "grant duration 10s is out of range"},
		{name: "webhook without url", lines: "webhook", want: "webhook needs the URL"},
		{name: "webhook without secret", lines: "webhook https://app.internal/hooks", want: "webhook needs a block with its signing secret"},
		{name: "webhook bad url", lines: "webhook ftp://app.internal/hooks {\n\t\t\tsecret " + testSecret + "\n\t\t}", want: "webhook 1: url must be an absolute http or https URL"},
		{name: "webhook bad secret", lines: "webhook https://app.internal/hooks {\n\t\t\tsecret hunter2\n\t\t}", want: "webhook secret must be whsec_ followed by standard base64"},
		{name: "webhook short secret", lines: "webhook https://app.internal/hooks {\n\t\t\tsecret whsec_aHVudGVyMg==\n\t\t}", want: "webhook secret must encode 24 to 64 bytes"},
		{name: "webhook unknown word", lines: "webhook https://app.internal/hooks {\n\t\t\tsigning hunter2\n\t\t}", want: `unknown webhook option "signing"`},
		{name: "smtp without from", lines: "smtp smtp.example.com:587 {\n\t\t\tusername lockbox\n\t\t}", want: "smtp needs a from line"},
		{name: "smtp without address", lines: "smtp", want: "smtp needs the server's host:port"},
		{name: "smtp bad port", lines: "smtp smtp.example.com:mail {\n\t\t\tfrom support@example.com\n\t\t}", want: "the port must be a number"},
		{name: "smtp bad from", lines: "smtp smtp.example.com:587 {\n\t\t\tfrom support\n\t\t}", want: `smtp from "support" is not an email address`},
		{name: "smtp unknown tls", lines: "smtp smtp.example.com:587 {\n\t\t\tfrom support@example.com\n\t\t\ttls ssl\n\t\t}", want: `smtp tls "ssl" is unknown`},
		{name: "smtp plain text to a remote host", lines: "smtp smtp.example.com:25 {\n\t\t\tfrom support@example.com\n\t\t\ttls none\n\t\t}", want: "allowed only to a loopback host"},
		{name: "smtp password without username", lines: "smtp smtp.example.com:587 {\n\t\t\tfrom support@example.com\n\t\t\tpassword hunter2\n\t\t}", want: "smtp password is set without a username"},
		{name: "smtp unknown word", lines: "smtp smtp.example.com:587 {\n\t\t\tfrom support@example.com\n\t\t\tpass hunter2\n\t\t}", want: `unknown smtp option "pass"`},
		{name: "smtp twice", lines: "smtp 127.0.0.1:25 {\n\t\t\tfrom a@example.com\n\t\t}\n\t\tsmtp 127.0.0.1:25 {\n\t\t\tfrom a@example.com\n\t\t}", want: "smtp is already set"},
		{name: "notify_backoff bad", lines: "notify_backoff 1s never", want: `notify_backoff "never" is not a positive duration`},
		{name: "approvals_needed zero", lines: "approvals_needed 0", want: `approvals_needed "0" must be a whole number from 1 to 10`},
		{name: "approvals_needed word", lines: "approvals_needed two", want: `approvals_needed "two" must be a whole number`},
		{name: "approvals_needed twice", lines: "approvals_needed 2\n\t\tapprovals_needed 3", want: "approvals_needed is already set"},
		{name: "request_ttl bad", lines: "request_ttl later", want: `request_ttl "later" is not a positive duration`},
		{name: "request_ttl too short", lines: "request_ttl 10s", want: "request lifetime 10s is out of range"},
	}
	adapter := caddyconfig.GetAdapter("caddyfile")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := "{\n\tlockbox {\n\t\t" + tt.lines + "\n\t}\n}\n"
			_, _, err := adapter.Adapt([]byte(cfg), nil)
			if err == nil {
				t.Fatalf("adapt succeeded; want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q; want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), testSecret) {
				t.Errorf("error %q repeats a secret", err)
			}
		})
	}
}

func TestTenantAdminProvisionErrors(t *testing.T) {
	t.Setenv("LOCKBOX_TEST_EMPTY", "")
	t.Setenv("LOCKBOX_TEST_BAD_SECRET", "whsec_hunter2")
	t.Setenv("LOCKBOX_TEST_PUBLIC", "app.example.com")
	tests := []struct {
		name string
		app  App
		want string
	}{
		{name: "api key from an empty variable", app: App{APIKeys: []string{"{env.LOCKBOX_TEST_EMPTY}"}}, want: "api_key 1 is empty once placeholders are replaced"},
		{name: "public url from a variable", app: App{PublicBaseURL: "{env.LOCKBOX_TEST_PUBLIC}"}, want: `public_url "app.example.com" must be an absolute`},
		{name: "webhook secret from an empty variable", app: App{Webhooks: []Webhook{{URL: "https://app.internal/hooks", Secret: "{env.LOCKBOX_TEST_EMPTY}"}}}, want: "webhook 1 (https://app.internal/hooks): webhook secret is required"},
		{name: "webhook secret malformed", app: App{Webhooks: []Webhook{{URL: "https://app.internal/hooks?token=hunter2", Secret: "{env.LOCKBOX_TEST_BAD_SECRET}"}}}, want: "webhook secret must"},
		{name: "two webhooks to one url", app: App{Webhooks: []Webhook{{URL: "https://app.internal/hooks", Secret: testSecret}, {URL: "https://app.internal/hooks", Secret: testSecret}}}, want: "two webhook endpoints named"},
		{name: "smtp without from", app: App{SMTP: &SMTP{Address: "127.0.0.1:25", TLS: "none"}}, want: "smtp from address is missing"},
		{name: "smtp password from an empty variable", app: App{SMTP: &SMTP{Address: "smtp.example.com:587", From: "a@example.com", Username: "lockbox", Password: "{env.LOCKBOX_TEST_EMPTY}"}}, want: "smtp password is empty once placeholders are replaced"},
		{name: "smtp address from an empty variable", app: App{SMTP: &SMTP{Address: "{env.LOCKBOX_TEST_EMPTY}", From: "a@example.com"}}, want: "smtp needs the server's host:port"},
		{name: "link ttl too short", app: App{AdminLinkTTL: caddy.Duration(time.Second)}, want: "link_ttl 1s is out of range"},
		{name: "negative backoff", app: App{NotifyBackoff: []caddy.Duration{caddy.Duration(-time.Second)}}, want: "notify_backoff delays must be positive"},
		{name: "empty admin role", app: App{TenantAdminRoles: []string{" "}}, want: "admin role"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := boltStorage(t)
			app := tt.app
			app.Storage = s
			err := app.Provision(testContext(t))
			if err == nil {
				_ = app.Cleanup()
				t.Fatalf("provision succeeded; want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q; want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), testSecret) {
				t.Errorf("error %q repeats a secret", err)
			}
			if app.held {
				t.Error("a failed Provision kept the store")
			}
		})
	}
}

func TestTenantAdminDefaults(t *testing.T) {
	s, _ := boltStorage(t)
	app := provisioned(t, s)
	if app.Admins() == nil || app.Links() == nil || app.AdminSessions() == nil || app.Notifier() == nil {
		t.Fatal("a shared part is missing")
	}
	if got := app.AdminRoles(); !slices.Equal(got, []string{"owner", "admin"}) {
		t.Errorf("admin roles %v", got)
	}
	if got := app.Rules(); got.NoStanding || len(got.Durations) != 3 {
		t.Errorf("rules %+v; want 1d 7d 28d and standing", got)
	}
	if app.LinkTTL() != 24*time.Hour || app.PublicURL() != "" || app.LinkPrefix() != "/_lockbox" {
		t.Errorf("link ttl %s, public url %q, prefix %q", app.LinkTTL(), app.PublicURL(), app.LinkPrefix())
	}
	app.useSite("https://app.example.com", "/support", nil)
	app.useSite("https://other.example.com", "/_lockbox", nil)
	if app.PublicURL() != "https://app.example.com" || app.LinkPrefix() != "/support" {
		t.Errorf("links lead to %q %q; want the first site", app.PublicURL(), app.LinkPrefix())
	}
}

func TestPublicURLWinsOverSite(t *testing.T) {
	s, _ := boltStorage(t)
	app := &App{Storage: s, PublicBaseURL: "https://support.example.com/", GrantDurations: []string{"7d", "1d"}}
	if err := app.Provision(testContext(t)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Cleanup() })
	app.useSite("http://127.0.0.1:8080", "/_lockbox", nil)
	if app.PublicURL() != "https://support.example.com" {
		t.Errorf("public url %q", app.PublicURL())
	}
	if r := app.Rules(); !r.NoStanding || !slices.Equal(r.Durations, []time.Duration{24 * time.Hour, 7 * 24 * time.Hour}) {
		t.Errorf("rules %+v; want 1d and 7d, no standing", r)
	}
}

// pending lists the notifications waiting in the app's outbox.
func pending(t *testing.T, app *App) []store.Notification {
	t.Helper()
	list, _, err := app.Store().Notifications(context.Background(), store.NotificationPending, store.Page{Limit: 100})
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

func TestSweepWarnsOfExpiringGrantsOnce(t *testing.T) {
	s, _ := boltStorage(t)
	app := &App{Storage: s,
		Webhooks: []Webhook{{URL: "https://app.internal/hooks", Secret: testSecret}},
		SMTP:     &SMTP{Address: "127.0.0.1:1", From: "support@example.com", TLS: "none"}}
	if err := app.Provision(testContext(t)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.Cleanup() })
	ctx := context.Background()
	if _, err := app.Admins().Set(ctx, "acme", []admins.Admin{
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
		if _, err := app.Store().PutGrant(ctx, g); err != nil {
			t.Fatal(err)
		}
	}

	app.sweeper.Once(ctx)
	// Another instance, which has warned of nothing yet: the outbox still
	// sends once.
	other := &sweep.Sweeper{Grants: app.Grants(), Publisher: app.Notifier(), Logger: app.logger}
	other.Once(ctx)

	got := pending(t, app)
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

func TestNotificationsFollowTheRunningConfig(t *testing.T) {
	s, _ := boltStorage(t)
	oldCfg := &App{Storage: s, Webhooks: []Webhook{{URL: "http://127.0.0.1:1/old", Secret: testSecret}}}
	newCfg := &App{Storage: s, Webhooks: []Webhook{{URL: "http://127.0.0.1:1/new", Secret: testSecret}}}
	for _, app := range []*App{oldCfg, newCfg} {
		if err := app.Provision(testContext(t)); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { _ = newCfg.Cleanup() })
	// A reload: the new config starts, then the old one stops and goes.
	if err := newCfg.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = newCfg.Stop() })
	if err := errors.Join(oldCfg.Stop(), oldCfg.Cleanup()); err != nil {
		t.Fatal(err)
	}

	// An old request still finishing records through the shared writer.
	ev := store.Event{Type: notify.BreakGlassUsed, Time: time.Now()}
	if err := oldCfg.Audit().RecordSync(context.Background(), "acme", ev); err != nil {
		t.Fatal(err)
	}
	list, _, err := newCfg.Store().Notifications(context.Background(), store.NotificationPending, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var targets []string
	for _, n := range list {
		targets = append(targets, n.Target)
	}
	if !slices.Equal(targets, []string{"http://127.0.0.1:1/new"}) {
		t.Errorf("breakglass.used went to %v; want the new config's webhook only", targets)
	}
}

// TestAccessErrorsNameTheirLine: the access words are checked once the
// block is read, and the error leads with the line of the word at fault,
// in a second lockbox block too.
func TestAccessErrorsNameTheirLine(t *testing.T) {
	adapter := caddyconfig.GetAdapter("caddyfile")
	tests := []struct{ cfg, want string }{
		{cfg: "{\n\tlockbox {\n\t\tapi_key abcdefghijklmnopqrstuvwxyz\n\t\tlink_ttl 60d\n\t}\n}\n", want: "Caddyfile:4: link_ttl 60d is out of range"},
		{cfg: "{\n\tlockbox {\n\t\tapi_key abcdefghijklmnopqrstuvwxyz\n\t}\n\tlockbox {\n\t\tapi_key hunter2\n\t}\n}\n", want: "Caddyfile:6: api_key: the key must be"},
		{cfg: "{\n\tlockbox {\n\t\tadmin_roles owner\n\t\tgrant_durations 10s\n\t}\n}\n", want: "Caddyfile:4: grant_durations: grant duration 10s is out of range"},
	}
	for _, tt := range tests {
		_, _, err := adapter.Adapt([]byte(tt.cfg), nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error %v; want %q", err, tt.want)
		}
	}
}
