package demoapp_test

import (
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/demoapp"
	"github.com/lockbox-gw/lockbox/internal/store"
)

func testSetup() demoapp.Setup {
	return demoapp.Setup{
		GatewayPort: 8080, AdminAddr: "127.0.0.1:2999", IdPIssuer: "http://127.0.0.1:7000",
		ClientSecret: "s3cret", AppAddr: "127.0.0.1:9000", DBPath: "data dir/lockbox.db",
	}
}

func TestSetupCaddyfile(t *testing.T) {
	s := testSetup()
	got, err := s.Caddyfile()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"admin 127.0.0.1:2999", "storage bolt `data dir/lockbox.db`", "http://127.0.0.1:8080 {", "bind 127.0.0.1",
		"oidc http://127.0.0.1:7000 {", "client_id lockbox-demo", "client_secret `s3cret`",
		"role operations groups customer-ops scopes read write pii", "deny * /settings/billing*", "reverse_proxy 127.0.0.1:9000",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Caddyfile lacks %q:\n%s", want, got)
		}
	}
	if s.CallbackURL() != "http://127.0.0.1:8080/_lockbox/callback" || s.TokenIssuer() != "http://127.0.0.1:8080/_lockbox" {
		t.Errorf("callback %s, issuer %s", s.CallbackURL(), s.TokenIssuer())
	}
}

func TestSetupCaddyfileRefusesUnquotable(t *testing.T) {
	tests := []struct {
		name   string
		change func(*demoapp.Setup)
	}{
		{name: "backquote in path", change: func(s *demoapp.Setup) { s.DBPath = "a`b/lockbox.db" }},
		{name: "line break in path", change: func(s *demoapp.Setup) { s.DBPath = "a\nb/lockbox.db" }},
		{name: "empty secret", change: func(s *demoapp.Setup) { s.ClientSecret = "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSetup()
			tt.change(&s)
			_, err := s.Caddyfile()
			if err == nil {
				t.Fatal("Caddyfile accepted it")
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error shows the secret: %v", err)
			}
		})
	}
}

func TestBanner(t *testing.T) {
	exp := time.Date(2030, 1, 8, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		grant store.Grant
		isNew bool
		want  string
	}{
		{name: "seeded", grant: store.Grant{ID: "g_1", Scopes: []string{"read", "write"}, ExpiresAt: &exp}, isNew: true,
			want: "Tenant acme granted read+write access until 2030-01-"},
		{name: "standing, kept", grant: store.Grant{ID: "g_1", Scopes: []string{"read"}},
			want: "Tenant acme had already granted read access until revoked (grant g_1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sb strings.Builder
			b := demoapp.Banner{Setup: testSetup(), DataDir: "/d", DataWhere: "from --data", Grant: tt.grant, GrantNew: tt.isNew, Command: "lockbox",
				AdminLink: "http://127.0.0.1:8080/_lockbox/admin?token=t", AdminLinkUntil: exp}
			if _, err := b.WriteTo(&sb); err != nil {
				t.Fatal(err)
			}
			out := sb.String()
			for _, want := range []string{tt.want, "Open http://127.0.0.1:8080/_lockbox/ ", "lockbox audit --tenant acme --address 127.0.0.1:2999",
				"Data: /d (from --data;", "Press Ctrl-C to stop.",
				"open its Support Access page", "until 2030-01-", "\n  http://127.0.0.1:8080/_lockbox/admin?token=t\n",
				"lockbox link --tenant acme --admin ada --address 127.0.0.1:2999"} {
				if !strings.Contains(out, want) {
					t.Errorf("banner lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, "s3cret") {
				t.Errorf("banner shows the client secret:\n%s", out)
			}
		})
	}
}
