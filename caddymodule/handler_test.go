package caddymodule

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
)

// validHandler returns a handler config that provisions.
func validHandler() Handler {
	return Handler{
		OIDC:   &OIDC{Issuer: "https://login.example.com", ClientID: "lockbox"},
		Roles:  []Role{{Name: "support", Groups: []string{"support"}, Scopes: []string{"read"}}},
		Issuer: "https://app.example.com/_lockbox",
	}
}

func TestHandlerValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(h *Handler)
		want   string
	}{
		{name: "valid", change: func(*Handler) {}},
		{name: "no oidc", change: func(h *Handler) { h.OIDC = nil }, want: "lockbox needs an oidc block"},
		{name: "no oidc issuer", change: func(h *Handler) { h.OIDC.Issuer = "" }, want: "oidc issuer URL is required"},
		{name: "no client id", change: func(h *Handler) { h.OIDC.ClientID = "" }, want: "oidc client_id is required"},
		{name: "no roles", change: func(h *Handler) { h.Roles = nil }, want: "lockbox needs at least one role"},
		{name: "role without name", change: func(h *Handler) { h.Roles[0].Name = "" }, want: "every role needs a name"},
		{name: "role without groups", change: func(h *Handler) { h.Roles[0].Groups = nil }, want: `role "support" needs at least one group`},
		{name: "bad scope", change: func(h *Handler) { h.Roles[0].Scopes = []string{"root"} }, want: `role "support": unknown scope "root"`},
		{name: "negative break glass", change: func(h *Handler) { h.Roles[0].BreakGlass = -1 }, want: "break_glass must not be negative"},
		{name: "session max too short", change: func(h *Handler) { h.SessionMax = caddy.Duration(time.Second) }, want: "session_max 1s is out of range"},
		{name: "negative idle", change: func(h *Handler) { h.IdleTimeout = -1 }, want: "idle_timeout -1ns is out of range"},
		{name: "token ttl too long", change: func(h *Handler) { h.TokenTTL = caddy.Duration(2 * time.Hour) }, want: "token_ttl 2h0m0s is out of range"},
		{name: "prefix without slash", change: func(h *Handler) { h.Prefix = "lockbox" }, want: `prefix "lockbox" must be an absolute path`},
		{name: "prefix with dot segment", change: func(h *Handler) { h.Prefix = "/a/../b" }, want: "must be an absolute path"},
		{name: "landing off site", change: func(h *Handler) { h.Landing = "//evil.example.com" }, want: "must be a path on this site"},
		{name: "bad deny method", change: func(h *Handler) { h.Deny = []DenyRule{{Method: "GE T", Path: "/a"}} }, want: "invalid deny method"},
		{name: "bad deny path", change: func(h *Handler) { h.Deny = []DenyRule{{Method: "*", Path: "/a/../b"}} }, want: "dot segment"},
		{name: "no issuer", change: func(h *Handler) { h.Issuer = "" }, want: "lockbox issuer is required"},
		{name: "issuer with query", change: func(h *Handler) { h.Issuer = "https://app.example.com/_lockbox?x=1" }, want: "without user info, query or fragment"},
		{name: "issuer off a custom prefix", change: func(h *Handler) { h.Prefix = "/support" }, want: "must end with the prefix /support"},
		{name: "issuer placeholder checked later", change: func(h *Handler) { h.Issuer = "{env.LOCKBOX_ISSUER}" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := validHandler()
			tt.change(&h)
			err := h.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error = %v; want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestHandlerResolve(t *testing.T) {
	t.Setenv("LOCKBOX_TEST_SECRET", "s3cret")
	h := validHandler()
	h.OIDC.ClientSecret = "{env.LOCKBOX_TEST_SECRET}"
	h.Prefix, h.Issuer = "/support/", "https://app.example.com:8443/support/"
	h.TokenTTL = caddy.Duration(2 * time.Minute)

	s, err := h.resolve(caddy.NewReplacer())
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case s.login.ClientSecret != "s3cret":
		t.Errorf("client secret not replaced: %q", s.login.ClientSecret)
	case s.login.ConsolePath != "/support/":
		t.Errorf("console path %q", s.login.ConsolePath)
	case s.minter.Issuer != "https://app.example.com:8443/support" || s.gateway.Issuer != s.minter.Issuer:
		t.Errorf("issuer %q, gateway %q", s.minter.Issuer, s.gateway.Issuer)
	case s.minter.Audience != "app.example.com:8443":
		t.Errorf("default audience %q; want the issuer's host and port", s.minter.Audience)
	case s.minter.TTL != 2*time.Minute || s.gateway.Prefix != "/support":
		t.Errorf("ttl %v, prefix %q", s.minter.TTL, s.gateway.Prefix)
	}
}

// validateJSON loads a config with one lockbox handler (handler JSON) and
// a bolt store, provisions and cleans it up without starting it.
func validateJSON(t *testing.T, handler string) error {
	t.Helper()
	store, err := json.Marshal(filepath.Join(t.TempDir(), "lockbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := &caddy.Config{
		Admin: &caddy.AdminConfig{Disabled: true},
		AppsRaw: caddy.ModuleMap{
			"lockbox": json.RawMessage(`{"storage":{"backend":"bolt","path":` + string(store) + `}}`),
			"http":    json.RawMessage(`{"servers":{"srv0":{"listen":["127.0.0.1:0"],"routes":[{"handle":[` + handler + `]}]}}}`),
		},
	}
	return caddy.Validate(cfg)
}

func TestHandlerProvisionErrors(t *testing.T) {
	t.Setenv("LOCKBOX_TEST_EMPTY", "")
	t.Setenv("LOCKBOX_TEST_ISSUER", "https://app.example.com/auth")
	const oidc = `"oidc":{"issuer":"https://login.example.com","client_id":"lockbox"}`
	const roles = `"roles":[{"name":"support","groups":["support"],"scopes":["read"]}]`
	const issuer = `"issuer":"https://app.example.com/_lockbox"`
	tests := []struct {
		name    string
		handler string
		want    string
	}{
		{
			name:    "json config without issuer",
			handler: `{"handler":"lockbox",` + oidc + `,` + roles + `}`,
			want:    "lockbox issuer is required",
		},
		{
			name:    "secret from an empty variable",
			handler: `{"handler":"lockbox","oidc":{"issuer":"https://login.example.com","client_id":"lockbox","client_secret":"{env.LOCKBOX_TEST_EMPTY}"},` + roles + `,` + issuer + `}`,
			want:    "oidc client_secret is empty once placeholders are replaced",
		},
		{
			name:    "issuer from a variable off the prefix",
			handler: `{"handler":"lockbox",` + oidc + `,` + roles + `,"issuer":"{env.LOCKBOX_TEST_ISSUER}"}`,
			want:    "must end with the prefix /_lockbox",
		},
		{
			name:    "plain http identity provider",
			handler: `{"handler":"lockbox","oidc":{"issuer":"http://login.example.com","client_id":"lockbox"},` + roles + `,` + issuer + `}`,
			want:    "must use https",
		},
		{
			name:    "bad header prefix",
			handler: `{"handler":"lockbox",` + oidc + `,` + roles + `,` + issuer + `,"header_prefix":"X Lockbox"}`,
			want:    "invalid header prefix",
		},
		{
			name:    "duration as text",
			handler: `{"handler":"lockbox",` + oidc + `,` + roles + `,` + issuer + `,"token_ttl":"soon"}`,
			want:    "soon",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := validateJSON(t, tt.handler)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v; want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestHandlerProvisions(t *testing.T) {
	t.Setenv("LOCKBOX_TEST_SECRET", "s3cret")
	handler := `{"handler":"lockbox","oidc":{"issuer":"https://login.example.com","client_id":"lockbox","client_secret":"{env.LOCKBOX_TEST_SECRET}"},` +
		`"roles":[{"name":"oncall","groups":["sec"],"scopes":["read","write"],"break_glass":3600000000000}],` +
		`"issuer":"https://app.example.com/_lockbox","deny":[{"method":"delete","path":"/api/account*"}],"session_max":"8h","token_ttl":"5m"}`
	if err := validateJSON(t, handler); err != nil {
		t.Fatalf("valid config refused: %v", err)
	}
}

// TestHandlerResolveEmptyAudience: an audience placeholder that resolves
// to nothing is an error, not a silent fall back to the site's host.
func TestHandlerResolveEmptyAudience(t *testing.T) {
	h := validHandler()
	h.Audience = "{env.LOCKBOX_TEST_UNSET_AUDIENCE}"
	if _, err := h.resolve(caddy.NewReplacer()); err == nil || !strings.Contains(err.Error(), "audience is empty once placeholders are replaced") {
		t.Fatalf("resolve = %v; want an error about the empty audience", err)
	}
}
