package siteconfig

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// valid returns a config that resolves.
func valid() Config {
	return Config{
		OIDC:   &OIDC{Issuer: "https://login.example.com", ClientID: "lockbox"},
		Roles:  []Role{{Name: "support", Groups: []string{"support"}, Scopes: []string{"read"}}},
		Issuer: "https://app.example.com/_lockbox",
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *Config)
		want   string
		word   string // the word the error names, if any
	}{
		{name: "valid", change: func(*Config) {}},
		{name: "no oidc", change: func(c *Config) { c.OIDC = nil }, want: "lockbox needs an oidc block"},
		{name: "no oidc issuer", change: func(c *Config) { c.OIDC.Issuer = "" }, want: "oidc issuer URL is required", word: "oidc"},
		{name: "no client id", change: func(c *Config) { c.OIDC.ClientID = "" }, want: "oidc client_id is required", word: "oidc"},
		{name: "no roles", change: func(c *Config) { c.Roles = nil }, want: "lockbox needs at least one role"},
		{name: "role without name", change: func(c *Config) { c.Roles[0].Name = "" }, want: "every role needs a name", word: "role"},
		{name: "role without groups", change: func(c *Config) { c.Roles[0].Groups = nil }, want: `role "support" needs at least one group`, word: "role"},
		{name: "bad scope", change: func(c *Config) { c.Roles[0].Scopes = []string{"root"} }, want: `role "support": unknown scope "root"`, word: "role"},
		{name: "negative break glass", change: func(c *Config) { c.Roles[0].BreakGlass = -1 }, want: "break_glass must not be negative", word: "role"},
		{name: "session max too short", change: func(c *Config) { c.SessionMax = Duration(time.Second) }, want: "session_max 1s is out of range", word: "session_max"},
		{name: "session max too long", change: func(c *Config) { c.SessionMax = Duration(31 * 24 * time.Hour) }, want: "session_max 744h0m0s is out of range", word: "session_max"},
		{name: "negative idle", change: func(c *Config) { c.IdleTimeout = -1 }, want: "idle_timeout -1ns is out of range", word: "idle_timeout"},
		{name: "idle past the default session max", change: func(c *Config) { c.IdleTimeout = Duration(9 * time.Hour) }, want: "up to session_max (8h0m0s)", word: "idle_timeout"},
		{name: "token ttl too long", change: func(c *Config) { c.TokenTTL = Duration(2 * time.Hour) }, want: "token_ttl 2h0m0s is out of range", word: "token_ttl"},
		{name: "prefix without slash", change: func(c *Config) { c.Prefix = "lockbox" }, want: `prefix "lockbox" must be an absolute path`, word: "prefix"},
		{name: "prefix with dot segment", change: func(c *Config) { c.Prefix = "/a/../b" }, want: "must be an absolute path", word: "prefix"},
		{name: "landing off site", change: func(c *Config) { c.Landing = "//evil.example.com" }, want: "must be a path on this site", word: "landing"},
		{name: "bad deny method", change: func(c *Config) { c.Deny = []DenyRule{{Method: "GE T", Path: "/a"}} }, want: "deny: invalid deny method", word: "deny"},
		{name: "bad deny path", change: func(c *Config) { c.Deny = []DenyRule{{Method: "*", Path: "/a/../b"}} }, want: "dot segment", word: "deny"},
		{name: "bad area name", change: func(c *Config) { c.Areas = map[string][]string{"Planning": {"/p*"}} }, want: `invalid area name "Planning"`, word: "area"},
		{name: "area without patterns", change: func(c *Config) { c.Areas = map[string][]string{"planning": nil} }, want: "area planning needs at least one path pattern", word: "area"},
		{name: "bad header prefix", change: func(c *Config) { c.HeaderPrefix = "X Lockbox" }, want: "invalid header prefix", word: "header_prefix"},
		{name: "shared without tenant_from", change: func(c *Config) { c.TenantFrom = &TenantFrom{Shared: []string{"/static/*"}} }, want: "shared needs tenant_from", word: "shared"},
		{name: "tenant path without its segment", change: func(c *Config) { c.TenantFrom = &TenantFrom{Path: "/t/{tenant}"} }, want: "must be a plain path ending in /{tenant}/", word: "tenant_from"},
		{name: "tenant_from checked later with an issuer placeholder", change: func(c *Config) {
			c.Issuer, c.TenantFrom = "{env.LOCKBOX_ISSUER}", &TenantFrom{Shared: []string{"/static/*"}}
		}},
		{name: "no issuer", change: func(c *Config) { c.Issuer = "" }, want: "lockbox issuer is required"},
		{name: "issuer with query", change: func(c *Config) { c.Issuer = "https://app.example.com/_lockbox?x=1" }, want: "without user info, query or fragment", word: "issuer"},
		{name: "issuer off a custom prefix", change: func(c *Config) { c.Prefix = "/support" }, want: "must end with the prefix /support", word: "issuer"},
		{name: "issuer placeholder checked later", change: func(c *Config) { c.Issuer = "{env.LOCKBOX_ISSUER}" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.change(&c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error = %v; want it to contain %q", err, tt.want)
			}
			var we *WordError
			if got := errors.As(err, &we); got != (tt.word != "") || (got && we.Word != tt.word) {
				t.Errorf("error %v names word %+v; want %q", err, we, tt.word)
			}
		})
	}
}

// TestWordErrorKey: an error about a repeated word says which one, so a
// Caddyfile can point at its line.
func TestWordErrorKey(t *testing.T) {
	c := valid()
	c.Deny = []DenyRule{{Method: "GET", Path: "/ok*"}, {Method: "GTE", Path: "/reports*"}}
	var we *WordError
	if err := c.Validate(); !errors.As(err, &we) || we.Word != "deny" || we.Key != "1" {
		t.Fatalf("error %v; want one about deny 1", err)
	}
	c = valid()
	c.Roles = append(c.Roles, Role{Name: "ops", Groups: []string{"ops"}, Scopes: []string{"admin"}})
	if err := c.Validate(); !errors.As(err, &we) || we.Word != "role" || we.Key != "ops" {
		t.Fatalf("error %v; want one about role ops", err)
	}
}

func TestNormalize(t *testing.T) {
	c := valid()
	c.Roles[0].Scopes = []string{"pii,write"}
	c.Deny = []DenyRule{{Method: "get", Path: "/admin/*"}, {Method: "*", Path: "/billing*"}}
	if err := c.Normalize(); err != nil {
		t.Fatal(err)
	}
	if got := c.Roles[0].Scopes; !slices.Equal(got, []string{"read", "write", "pii"}) {
		t.Errorf("scopes %q; want read, write, pii", got)
	}
	if c.Deny[0] != (DenyRule{Method: "GET", Path: "/admin/*"}) || c.Deny[1] != (DenyRule{Method: "*", Path: "/billing*"}) {
		t.Errorf("deny %+v", c.Deny)
	}
	bad := valid()
	bad.Deny = []DenyRule{{Method: "BREW", Path: "/coffee"}}
	if err := bad.Normalize(); err == nil || bad.Deny[0].Method != "BREW" {
		t.Errorf("Normalize of a bad config: %v, deny %+v", err, bad.Deny)
	}
}
