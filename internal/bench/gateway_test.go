package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig"
	_ "github.com/caddyserver/caddy/v2/caddyconfig/httpcaddyfile"
	_ "github.com/caddyserver/caddy/v2/modules/standard"

	_ "github.com/lockbox-gw/lockbox/caddymodule"
)

// adapt runs Caddy's own Caddyfile adapter, with the lockbox plugin, over
// config and returns the JSON config.
func adapt(t *testing.T, config string) string {
	t.Helper()
	out, warnings, err := caddyconfig.GetAdapter("caddyfile").Adapt([]byte(config), nil)
	if err != nil {
		t.Fatalf("adapting:\n%s\nerror: %v", config, err)
	}
	if len(warnings) > 0 {
		t.Errorf("adapting:\n%s\nwarnings: %+v", config, warnings)
	}
	return string(out)
}

// handlers lists the handler names of the adapted config's routes, in
// order, subroutes flattened.
func handlers(t *testing.T, adapted string) []string {
	t.Helper()
	var cfg any
	if err := json.Unmarshal([]byte(adapted), &cfg); err != nil {
		t.Fatal(err)
	}
	var names []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if h, ok := v["handler"].(string); ok && h != "subroute" {
				names = append(names, h)
			}
			for _, k := range []string{"apps", "http", "servers", "srv0", "routes", "handle"} {
				walk(v[k])
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(cfg)
	return names
}

func TestCaddyfiles(t *testing.T) {
	g := &gateway{site: "http://127.0.0.1:40001", port: 40001, admin: "127.0.0.1:40002"}
	tests := []struct {
		name   string
		config string
		want   string   // handlers in order
		parts  []string // in the adapted JSON
	}{
		{
			name:   "bare",
			config: g.bareCaddyfile("127.0.0.1:40003"),
			want:   "reverse_proxy",
			parts:  []string{`"listen":"127.0.0.1:40002"`, `"dial":"127.0.0.1:40003"`, `"listen":["127.0.0.1:40001"]`},
		},
		{
			name:   "lockbox",
			config: g.lockboxCaddyfile("127.0.0.1:40003", "redis://127.0.0.1:40004/0", "http://127.0.0.1:40005", "s3cret", "buffered"),
			want:   "lockbox,reverse_proxy",
			parts: []string{
				`"listen":["127.0.0.1:40001"]`, `"storage":{"backend":"redis","url":"redis://127.0.0.1:40004/0"}`, `"audit":"buffered"`,
				`"issuer":"http://127.0.0.1:40001/_lockbox"`, `"client_secret":"s3cret"`, `"customer-ops"`,
			},
		},
		{
			name:   "identity headers",
			config: g.headersCaddyfile("127.0.0.1:40003", map[string]string{"X-Lockbox-Tenant": "acme", "X-Lockbox-Token": "a.b \"c\""}),
			want:   "reverse_proxy",
			parts:  []string{`"X-Lockbox-Tenant":["acme"]`, `"X-Lockbox-Token":["a.b \"c\""]`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			adapted := adapt(t, tt.config)
			if got := strings.Join(handlers(t, adapted), ","); got != tt.want {
				t.Errorf("handlers = %s, want %s\n%s", got, tt.want, adapted)
			}
			for _, p := range tt.parts {
				if !strings.Contains(adapted, p) {
					t.Errorf("adapted config lacks %s:\n%s", p, adapted)
				}
			}
			// Access logs stay off, so the gateways compare fairly.
			if strings.Contains(adapted, `"logs"`) {
				t.Errorf("access logs are on:\n%s", adapted)
			}
		})
	}
}
