package caddymodule

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig"
)

// adapt adapts a Caddyfile to JSON.
func adapt(t *testing.T, caddyfile string) ([]byte, error) {
	t.Helper()
	out, _, err := caddyconfig.GetAdapter("caddyfile").Adapt([]byte(caddyfile), nil)
	return out, err
}

// minimalLockbox is a lockbox block that adapts, for wrapping in sites.
const minimalLockbox = `lockbox {
		oidc https://login.example.com {
			client_id lockbox
		}
		role support groups support scopes read
	}`

// site returns a Caddyfile with one site at addr holding body.
func site(addr, body string) string {
	return addr + " {\n\t" + body + "\n}\n"
}

// handlers returns the handlers of the adapted config in route order,
// walking into subroutes.
func handlers(t *testing.T, adapted []byte) []map[string]any {
	t.Helper()
	var cfg struct {
		Apps struct {
			HTTP struct {
				Servers map[string]struct {
					Routes []any `json:"routes"`
				} `json:"servers"`
			} `json:"http"`
		} `json:"apps"`
	}
	if err := json.Unmarshal(adapted, &cfg); err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, srv := range cfg.Apps.HTTP.Servers {
		out = append(out, walkRoutes(srv.Routes)...)
	}
	return out
}

// walkRoutes lists the handlers of routes depth first, in order.
func walkRoutes(routes []any) []map[string]any {
	var out []map[string]any
	for _, r := range routes {
		route, _ := r.(map[string]any)
		hs, _ := route["handle"].([]any)
		for _, h := range hs {
			m, _ := h.(map[string]any)
			out = append(out, m)
			if sub, ok := m["routes"].([]any); ok {
				out = append(out, walkRoutes(sub)...)
			}
		}
	}
	return out
}

// lockboxIssuer returns the issuer of the one lockbox handler.
func lockboxIssuer(t *testing.T, adapted []byte) string {
	t.Helper()
	for _, h := range handlers(t, adapted) {
		if h["handler"] == "lockbox" {
			issuer, _ := h["issuer"].(string)
			return issuer
		}
	}
	t.Fatalf("no lockbox handler in %s", adapted)
	return ""
}

func TestIssuerFromSiteAddress(t *testing.T) {
	tests := []struct {
		name    string
		options string
		address string
		prefix  string
		want    string
	}{
		{name: "host", address: "app.example.com", want: "https://app.example.com/_lockbox"},
		{name: "https with its port", address: "https://app.example.com:443", want: "https://app.example.com/_lockbox"},
		{name: "other https port", address: "app.example.com:8443", want: "https://app.example.com:8443/_lockbox"},
		{name: "http loopback with port", address: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080/_lockbox"},
		{name: "port 80 means http", address: "app.example.com:80", want: "http://app.example.com/_lockbox"},
		{name: "http_port option", options: "http_port 8080", address: "127.0.0.1:8080", want: "http://127.0.0.1:8080/_lockbox"},
		{name: "https_port option", options: "https_port 8443", address: "app.example.com", want: "https://app.example.com:8443/_lockbox"},
		{name: "ipv6", address: "http://[::1]:8080", want: "http://[::1]:8080/_lockbox"},
		{name: "first concrete address", address: ":8080, app.example.com, www.example.com", want: "https://app.example.com/_lockbox"},
		{name: "own prefix", address: "app.example.com", prefix: "/support/", want: "https://app.example.com/support"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			block := minimalLockbox
			if tt.prefix != "" {
				block = strings.Replace(block, "\n\t}", "\n\t\tprefix "+tt.prefix+"\n\t}", 1)
			}
			cfg := site(tt.address, block+"\n\trespond app")
			if tt.options != "" {
				cfg = "{\n\t" + tt.options + "\n}\n" + cfg
			}
			out, err := adapt(t, cfg)
			if err != nil {
				t.Fatalf("adapt: %v", err)
			}
			if got := lockboxIssuer(t, out); got != tt.want {
				t.Errorf("issuer = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestDirectiveOrder checks that lockbox runs before the handlers that
// authenticate, route or answer, however the site is written.
func TestDirectiveOrder(t *testing.T) {
	body := `file_server
	php_fastcgi 127.0.0.1:9001
	reverse_proxy /api/* 127.0.0.1:9000
	respond /health "ok"
	handle /docs/* {
		respond "docs"
	}
	basic_auth /private/* {
		admin $2a$14$Zkx19XLiW6VYouLHR5NmfOFU0z2GTNmpkT/5qqR7hx4IjWJPDhjvG
	}
	forward_auth /sso/* 127.0.0.1:9002 {
		uri /check
	}
	` + minimalLockbox
	out, err := adapt(t, site("app.example.com", body))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, h := range handlers(t, out) {
		if name, _ := h["handler"].(string); name != "subroute" {
			names = append(names, name)
		}
	}
	if len(names) < 2 || names[0] != "lockbox" {
		t.Fatalf("handlers in order %v; want lockbox first", names)
	}
	for _, want := range []string{"authentication", "reverse_proxy", "file_server", "static_response"} {
		if !slices.Contains(names, want) {
			t.Errorf("handler %s missing from %v", want, names)
		}
	}
}

func TestDesignExampleOrder(t *testing.T) {
	cfg := site("app.example.com", "reverse_proxy 127.0.0.1:9000\n\t"+minimalLockbox)
	out, err := adapt(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, h := range handlers(t, out) {
		names = append(names, h["handler"].(string))
	}
	if !slices.Equal(names, []string{"subroute", "lockbox", "reverse_proxy"}) {
		t.Fatalf("handlers %v; want lockbox before reverse_proxy", names)
	}
}

func TestLockboxDirectiveErrors(t *testing.T) {
	tests := []struct {
		name string
		site string // the site block's body; the address is app.example.com
		addr string
		want string
	}{
		{name: "unknown word", site: block("sesion_max 8h"), want: `unrecognized lockbox subdirective "sesion_max"`},
		{name: "arguments on the line", site: "lockbox hunter2 {\n\t}", want: "lockbox takes no arguments on its line, only a block"},
		{name: "matcher", site: "lockbox /app/* {\n\t}", want: "lockbox takes no matcher"},
		{name: "named matcher", site: "@app path /app/*\n\tlockbox @app {\n\t}", want: "lockbox takes no matcher"},
		{name: "no oidc", site: "lockbox {\n\t\trole support groups support scopes read\n\t}", want: "lockbox needs an oidc block"},
		{name: "no roles", site: "lockbox {\n\t\toidc https://login.example.com {\n\t\t\tclient_id lockbox\n\t\t}\n\t}", want: "lockbox needs at least one role"},
		{name: "oidc without issuer", site: "lockbox {\n\t\toidc {\n\t\t\tclient_id x\n\t\t}\n\t}", want: "oidc needs the identity provider's issuer URL"},
		{name: "oidc twice", site: block("oidc https://other.example.com {\n\t\t\tclient_id x\n\t\t}"), want: "oidc is already set; give it once"},
		{name: "oidc unknown word", site: strings.Replace(block(""), "client_id lockbox", "client_id lockbox\n\t\t\tsecret hunter2", 1), want: `unrecognized oidc subdirective "secret"`},
		{name: "secret with two values", site: strings.Replace(block(""), "client_id lockbox", "client_id lockbox\n\t\t\tclient_secret hunter2 hunter3", 1), want: "oidc client_secret takes exactly one value"},
		{name: "no client id", site: strings.Replace(block(""), "client_id lockbox", "roles_claim groups", 1), want: "oidc client_id is required"},
		{name: "role without name", site: block("role"), want: "role needs a name"},
		{name: "role without scopes", site: block("role ops groups ops"), want: `role "ops" needs scopes`},
		{name: "role without groups", site: block("role ops scopes read"), want: `role "ops" needs groups`},
		{name: "role with stray word", site: block("role ops admins scopes read"), want: `role "ops": expected groups, scopes or break_glass, not "admins"`},
		{name: "bad scope name", site: block("role ops groups ops scopes read admin"), want: `role "ops": unknown scope "admin"`},
		{name: "scopes twice", site: block("role ops groups ops scopes read scopes write"), want: `role "ops": scopes is given twice`},
		{name: "role defined twice", site: block("role support groups other scopes read"), want: `role "support" is defined twice`},
		{name: "break_glass without duration", site: block("role ops groups ops scopes read break_glass"), want: `role "ops": break_glass takes one duration`},
		{name: "break_glass bad duration", site: block("role ops groups ops scopes read break_glass soon"), want: `invalid duration "soon"`},
		{name: "deny with one arg", site: block("deny /admin*"), want: "deny takes a method (or *) and a path pattern"},
		{name: "deny bad method", site: block("deny GET! /admin*"), want: `invalid deny method "GET!"`},
		{name: "deny typo'd method", site: block("deny GTE /reports*"), want: `deny: invalid deny method "GTE": use * or one of GET HEAD POST`},
		{name: "deny unknown method", site: block("deny BREW /coffee"), want: `invalid deny method "BREW"`},
		{name: "header_prefix with a space", site: block(`header_prefix "X Lockbox-"`), want: `invalid header prefix "X Lockbox-"`},
		{name: "header_prefix with a colon", site: block("header_prefix X-Lockbox:"), want: `invalid header prefix "X-Lockbox:"`},
		{name: "deny bad pattern", site: block("deny * admin"), want: "invalid deny pattern"},
		{name: "bad duration", site: block("session_max 8 hours"), want: "session_max takes exactly one value"},
		{name: "duration not a duration", site: block("idle_timeout soon"), want: `idle_timeout: invalid duration "soon"`},
		{name: "negative duration", site: block("token_ttl -5m"), want: `token_ttl: invalid duration "-5m"`},
		{name: "duration out of range", site: block("token_ttl 2h"), want: "token_ttl 2h0m0s is out of range"},
		{name: "idle longer than session", site: block("session_max 1h\n\t\tidle_timeout 2h"), want: "idle_timeout 2h0m0s is out of range"},
		{name: "word twice", site: block("token_ttl 5m\n\t\ttoken_ttl 6m"), want: "token_ttl is already set; give it once"},
		{name: "value missing", site: block("audience"), want: "audience needs a value"},
		{name: "block after a word", site: block("landing / {\n\t\t\tx\n\t\t}"), want: "landing takes no block"},
		{name: "relative prefix", site: block("prefix _lockbox"), want: `prefix "_lockbox" must be an absolute path`},
		{name: "root prefix", site: block("prefix /"), want: `prefix "/" must be an absolute path`},
		{name: "landing elsewhere", site: block("landing https://evil.example.com/"), want: "landing \"https://evil.example.com/\" must be a path on this site"},
		{name: "issuer not a url", site: block("issuer app.example.com"), want: "must be an absolute http or https URL"},
		{name: "issuer off the prefix", site: block("issuer https://app.example.com/auth"), want: "must end with the prefix /_lockbox"},
		{name: "no host to derive the issuer from", addr: ":8080", site: block(""), want: `cannot derive the token issuer from the site address ":8080"`},
		{name: "wildcard site", addr: "*.example.com", site: block(""), want: "which names no single host; set issuer <url>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := tt.addr
			if addr == "" {
				addr = "app.example.com"
			}
			_, err := adapt(t, site(addr, tt.site))
			if err == nil {
				t.Fatalf("adapt succeeded; want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q; want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter") {
				t.Errorf("error %q repeats a word that may be a secret", err)
			}
		})
	}
}

// block returns minimalLockbox with extra lines at its end.
func block(extra string) string {
	return strings.Replace(minimalLockbox, "\n\t}", "\n\t\t"+extra+"\n\t}", 1)
}

func TestSigningKeyFileOptionErrors(t *testing.T) {
	tests := []struct {
		name  string
		lines string
		want  string
	}{
		{name: "no path", lines: "signing_key_file", want: "signing_key_file needs the path of a PEM file"},
		{name: "two paths", lines: "signing_key_file a.pem b.pem", want: "signing_key_file takes exactly one path"},
		{name: "twice", lines: "signing_key_file a.pem\n\t\tsigning_key_file b.pem", want: "signing_key_file is already set; give it once"},
		{name: "block", lines: "signing_key_file a.pem {\n\t\t\tx\n\t\t}", want: "signing_key_file takes no block"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := adapt(t, "{\n\tlockbox {\n\t\t"+tt.lines+"\n\t}\n}\n")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v; want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestDenyMethodErrorNamesTheLine: a typo'd deny method is an adapt-time
// error naming the word, the method and the line; a rule that could never
// match would silently let agents reach what it was meant to block.
func TestDenyMethodErrorNamesTheLine(t *testing.T) {
	_, err := adapt(t, site("app.example.com", block("deny GET /ok*\n\t\tdeny GTE /reports*")))
	if err == nil {
		t.Fatal("deny GTE adapted")
	}
	for _, want := range []string{"deny", `"GTE"`, "Caddyfile:8"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	for _, m := range []string{"*", "get", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK"} {
		if _, err := adapt(t, site("app.example.com", block("deny "+m+" /reports*"))); err != nil {
			t.Errorf("deny %s: %v", m, err)
		}
	}
}

// TestValueErrorsNameTheirLine: values are checked once the block is
// read, and the error still names the line of the word at fault.
func TestValueErrorsNameTheirLine(t *testing.T) {
	tests := []struct{ extra, want string }{
		{extra: "token_ttl 2h", want: "token_ttl 2h0m0s is out of range: use 1s to 1h, at Caddyfile:7"},
		{extra: "role ops groups ops scopes admin", want: `role "ops": unknown scope "admin": use read, write or pii, at Caddyfile:7`},
		{extra: "area planning /planning*\n\t\tarea Billing /billing*", want: "starting with a letter or digit, at Caddyfile:8"},
		{extra: "header_prefix X:", want: "Caddyfile:7"},
		{extra: "tenant_from path /t/{tenant}", want: "Caddyfile:7"},
		{extra: "landing //evil.example.com\n\t\tprefix /support", want: "must be a path on this site, such as /, at Caddyfile:7"},
		{extra: "prefix /support\n\t\tissuer https://app.example.com/_lockbox", want: "must end with the prefix /support, where Lockbox serves its keys and login callback, at Caddyfile:8"},
	}
	for _, tt := range tests {
		_, err := adapt(t, site("app.example.com", block(tt.extra)))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v; want %q", tt.extra, err, tt.want)
		}
	}
}
