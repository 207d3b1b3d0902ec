package caddymodule

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2"
)

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
