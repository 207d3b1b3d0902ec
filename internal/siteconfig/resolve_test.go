package siteconfig

import (
	"strings"
	"testing"
	"time"
)

// env replaces {env.NAME} from vars, and anything unknown with "", as
// Caddy's replacer does with ReplaceKnown(v, "").
func env(vars map[string]string) func(string) string {
	return func(v string) string {
		name, ok := strings.CutPrefix(v, "{env.")
		if !ok {
			return v
		}
		return vars[strings.TrimSuffix(name, "}")]
	}
}

func TestResolve(t *testing.T) {
	c := valid()
	c.OIDC.ClientSecret = "{env.SECRET}"
	c.Prefix, c.Issuer = "/support/", "https://app.example.com:8443/support/"
	c.TokenTTL = Duration(2 * time.Minute)
	c.Deny = []DenyRule{{Method: "delete", Path: "/api/account*"}}

	s, err := c.Resolve(env(map[string]string{"SECRET": "s3cret"}))
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case s.Login.ClientSecret != "s3cret":
		t.Errorf("client secret not replaced: %q", s.Login.ClientSecret)
	case s.Login.ConsolePath != "/support/" || s.Login.Site != "https://app.example.com:8443/support":
		t.Errorf("console path %q, site %q", s.Login.ConsolePath, s.Login.Site)
	case s.Minter.Issuer != "https://app.example.com:8443/support" || s.Gateway.Issuer != s.Minter.Issuer:
		t.Errorf("issuer %q, gateway %q", s.Minter.Issuer, s.Gateway.Issuer)
	case s.Minter.Audience != "app.example.com:8443":
		t.Errorf("default audience %q; want the issuer's host and port", s.Minter.Audience)
	case s.Minter.TTL != 2*time.Minute || s.Gateway.Prefix != "/support":
		t.Errorf("ttl %v, prefix %q", s.Minter.TTL, s.Gateway.Prefix)
	case len(s.Gateway.Rules) != 1 || s.Gateway.Rules[0].Method != "DELETE":
		t.Errorf("rules %+v", s.Gateway.Rules)
	}
}

// TestResolveDefaults: the defaults are applied here, and nowhere else
// needs to know them.
func TestResolveDefaults(t *testing.T) {
	c := valid()
	s, err := c.Resolve(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case s.Gateway.Prefix != DefaultPrefix || s.Login.ConsolePath != DefaultPrefix+"/":
		t.Errorf("prefix %q, console %q", s.Gateway.Prefix, s.Login.ConsolePath)
	case s.Minter.TTL != DefaultTokenTTL || s.Minter.Audience != "app.example.com":
		t.Errorf("ttl %v, audience %q", s.Minter.TTL, s.Minter.Audience)
	case s.Gateway.SessionMax != DefaultSessionMax || s.Login.SessionMax != DefaultSessionMax:
		t.Errorf("session max %v, login %v", s.Gateway.SessionMax, s.Login.SessionMax)
	}
}

func TestResolveErrors(t *testing.T) {
	vars := map[string]string{"ISSUER": "https://app.example.com/auth"}
	tests := []struct {
		name   string
		change func(c *Config)
		want   string
	}{
		{name: "invalid", change: func(c *Config) { c.Roles = nil }, want: "lockbox needs at least one role"},
		{name: "secret from an empty variable", change: func(c *Config) { c.OIDC.ClientSecret = "{env.EMPTY}" }, want: "oidc client_secret is empty once placeholders are replaced"},
		// An empty audience is an error, not a silent fall back to the
		// site's host.
		{name: "audience from an empty variable", change: func(c *Config) { c.Audience = "{env.EMPTY}" }, want: "audience is empty once placeholders are replaced"},
		{name: "issuer from a variable off the prefix", change: func(c *Config) { c.Issuer = "{env.ISSUER}" }, want: "must end with the prefix /_lockbox"},
		{name: "issuer from an empty variable", change: func(c *Config) { c.Issuer = "{env.EMPTY}" }, want: "lockbox issuer is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.change(&c)
			if _, err := c.Resolve(env(vars)); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v; want it to contain %q", err, tt.want)
			}
		})
	}
}
