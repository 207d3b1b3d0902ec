package login_test

import (
	"strings"
	"testing"
	"time"

	"github.com/lockbox-gw/lockbox/internal/login"
)

func TestConfigValidation(t *testing.T) {
	valid := func() login.Config {
		return login.Config{
			Issuer: "https://login.example.com", ClientID: "lockbox",
			Roles: []login.Role{{Name: "support", Groups: []string{"support"}, Scopes: []string{"read"}}},
		}
	}
	tests := []struct {
		name   string
		change func(*login.Config)
		err    string // "" for a valid config
	}{
		{name: "valid", change: func(*login.Config) {}},
		{name: "http loopback issuer", change: func(c *login.Config) { c.Issuer = "http://127.0.0.1:9000/idp" }},
		{name: "http localhost issuer", change: func(c *login.Config) { c.Issuer = "http://localhost:9000" }},
		{name: "public client", change: func(c *login.Config) { c.ClientSecret = "" }},
		{name: "extra scopes", change: func(c *login.Config) { c.Scopes = []string{"groups", "openid"} }},
		{name: "no issuer", change: func(c *login.Config) { c.Issuer = "" }, err: "issuer URL is required"},
		{name: "relative issuer", change: func(c *login.Config) { c.Issuer = "login.example.com" }, err: "not an absolute URL"},
		{name: "http public issuer", change: func(c *login.Config) { c.Issuer = "http://login.example.com" }, err: "must use https"},
		{name: "issuer with query", change: func(c *login.Config) { c.Issuer = "https://login.example.com/?x=1" }, err: "not an absolute URL"},
		{name: "no client id", change: func(c *login.Config) { c.ClientID = "" }, err: "client_id is required"},
		{name: "client id with newline", change: func(c *login.Config) { c.ClientID = "a\nb" }, err: "client_id"},
		{name: "scope with space", change: func(c *login.Config) { c.Scopes = []string{"a b"} }, err: "single non-empty word"},
		{name: "empty scope", change: func(c *login.Config) { c.Scopes = []string{""} }, err: "single non-empty word"},
		{name: "roles claim with space", change: func(c *login.Config) { c.RolesClaim = "my groups" }, err: "roles_claim"},
		{name: "no roles", change: func(c *login.Config) { c.Roles = nil }, err: "at least one role"},
		{name: "role without name", change: func(c *login.Config) { c.Roles[0].Name = "" }, err: "role name"},
		{name: "role name with space", change: func(c *login.Config) { c.Roles[0].Name = "a b" }, err: "role name"},
		{name: "role without groups", change: func(c *login.Config) { c.Roles[0].Groups = nil }, err: "at least one group"},
		{name: "empty group", change: func(c *login.Config) { c.Roles[0].Groups = []string{""} }, err: "group"},
		{name: "long group", change: func(c *login.Config) { c.Roles[0].Groups = []string{strings.Repeat("g", 257)} }, err: "group"},
		{name: "unknown scope", change: func(c *login.Config) { c.Roles[0].Scopes = []string{"admin"} }, err: "unknown scope"},
		{name: "negative break-glass", change: func(c *login.Config) { c.Roles[0].BreakGlass = -time.Hour }, err: "must not be negative"},
		{name: "duplicate role", change: func(c *login.Config) { c.Roles = append(c.Roles, c.Roles[0]) }, err: "defined twice"},
		{name: "short session", change: func(c *login.Config) { c.SessionMax = time.Second }, err: "session_max"},
		{name: "long session", change: func(c *login.Config) { c.SessionMax = 31 * 24 * time.Hour }, err: "session_max"},
		{name: "negative timeout", change: func(c *login.Config) { c.Timeout = -time.Second }, err: "timeout"},
		{name: "unsafe console path", change: func(c *login.Config) { c.ConsolePath = "//evil.com" }, err: "console path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.change(&c)
			_, err := login.New(c, nil)
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("New: %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("New = %v, want an error mentioning %q", err, tt.err)
			}
		})
	}
}

func TestConfigSecretNotInErrors(t *testing.T) {
	c := login.Config{Issuer: "http://login.example.com", ClientID: "lockbox", ClientSecret: "s3cret-value"}
	if _, err := login.New(c, nil); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("New = %v", err)
	}
}

func TestRolesAreCopied(t *testing.T) {
	roles := []login.Role{{Name: "ops", Groups: []string{"customer-ops"}, Scopes: []string{"write", "read"}}}
	svc, err := login.New(login.Config{Issuer: "https://login.example.com", ClientID: "lockbox", Roles: roles}, nil)
	if err != nil {
		t.Fatal(err)
	}
	roles[0].Groups[0] = "everyone"
	got := svc.Roles()
	if got[0].Groups[0] != "customer-ops" || strings.Join(got[0].Scopes, " ") != "read write" {
		t.Fatalf("Roles = %+v", got)
	}
	got[0].Groups[0] = "everyone"
	if svc.Roles()[0].Groups[0] != "customer-ops" {
		t.Fatal("Roles hands out the service's own slices")
	}
}
