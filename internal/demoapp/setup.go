package demoapp

import (
	"fmt"
	"strconv"
	"strings"
)

// Demo tenants: acme is granted access when the demo starts, globex not.
const (
	GrantedTenant   = "acme"
	UngrantedTenant = "globex"
)

// DemoClientID is the gateway's client id at the development identity
// provider.
const DemoClientID = "lockbox-demo"

// Setup is where one run of `lockbox demo` puts everything. Every address
// is on 127.0.0.1.
type Setup struct {
	// GatewayPort is the port of the Lockbox site.
	GatewayPort int
	// AdminAddr is Caddy's admin endpoint, which the CLI talks to.
	AdminAddr string
	// IdPIssuer is the development identity provider's issuer URL.
	IdPIssuer string
	// ClientSecret is the gateway's secret at the identity provider, made
	// up for this run.
	ClientSecret string
	// AppAddr is where the demo app listens.
	AppAddr string
	// DBPath is the bbolt file.
	DBPath string
}

// SiteURL is the gateway's address, e.g. http://127.0.0.1:8080.
func (s Setup) SiteURL() string { return "http://127.0.0.1:" + strconv.Itoa(s.GatewayPort) }

// ConsoleURL is the agent console, the page to open.
func (s Setup) ConsoleURL() string { return s.SiteURL() + DefaultConsolePath }

// CallbackURL is the redirect URI the gateway uses at the identity
// provider.
func (s Setup) CallbackURL() string { return s.SiteURL() + "/_lockbox/callback" }

// TokenIssuer is the iss of the gateway's tokens; the keys are published
// under it.
func (s Setup) TokenIssuer() string { return s.SiteURL() + "/_lockbox" }

// TokenAudience is the aud of the gateway's tokens: the site's host and
// port.
func (s Setup) TokenAudience() string { return strings.TrimPrefix(s.SiteURL(), "http://") }

// Caddyfile returns the gateway's config: the lockbox app on the bolt file,
// admin on AdminAddr, and the site with the lockbox handler in front of
// the demo app. Nothing listens beyond loopback.
func (s Setup) Caddyfile() (string, error) {
	for name, v := range map[string]string{"data path": s.DBPath, "client secret": s.ClientSecret} {
		// Backquoted Caddyfile tokens have no escapes.
		if v == "" || strings.ContainsAny(v, "`\r\n") {
			return "", fmt.Errorf("the demo's %s is empty or holds a backquote or line break", name)
		}
	}
	return fmt.Sprintf(caddyfileTemplate, s.AdminAddr, s.DBPath, s.SiteURL(),
		s.IdPIssuer, DemoClientID, s.ClientSecret, s.AppAddr), nil
}

// caddyfileTemplate is the demo's config; the roles are DESIGN.md's
// example with the development provider's groups.
const caddyfileTemplate = `{
	admin %s
	persist_config off
	auto_https off
	servers {
		protocols h1
	}
	log {
		level WARN
	}
	lockbox {
		storage bolt ` + "`%s`" + `
	}
}

%s {
	bind 127.0.0.1
	lockbox {
		oidc %s {
			client_id %s
			client_secret ` + "`%s`" + `
		}
		role support groups support scopes read
		role operations groups customer-ops scopes read write pii
		role oncall groups sec-oncall scopes read write break_glass 1h
		deny * /settings/billing*
		landing /
	}
	reverse_proxy %s
}
`
