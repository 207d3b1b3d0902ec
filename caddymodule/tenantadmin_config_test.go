package caddymodule

import (
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig"

	"github.com/lockbox-gw/lockbox/internal/notify"
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
		{name: "smtp password from an empty variable", app: App{SMTP: &SMTP{Address: "smtp.example.com:587", From: "a@example.com", Username: "lockbox", Password: "{env.LOCKBOX_TEST_EMPTY}"}}, want: "smtp password is empty once placeholders are replaced"},
		{name: "smtp address from an empty variable", app: App{SMTP: &SMTP{Address: "{env.LOCKBOX_TEST_EMPTY}", From: "a@example.com"}}, want: "smtp needs the server's host:port"},
		{name: "link ttl too short", app: App{AdminLinkTTL: caddy.Duration(time.Second)}, want: "link_ttl 1s is out of range"},
		{name: "negative backoff", app: App{NotifyBackoff: []caddy.Duration{caddy.Duration(-time.Second)}}, want: "notify_backoff delays must be positive"},
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
			if app.Instance != nil {
				t.Error("a failed Provision kept the store")
			}
		})
	}
}
