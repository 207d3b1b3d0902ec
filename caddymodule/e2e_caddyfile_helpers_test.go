package caddymodule_test

import "text/template"

// e2eCaddyfileParts are the pieces every Caddyfile of a `lockbox run`
// test repeats. "global" is the global options block: admin endpoint,
// loopback binding, HTTP port and store. "oidc" is a site's sign-in at
// the development provider; its client secret comes from the
// environment, as it would in production.
const e2eCaddyfileParts = `{{define "global"}}{
	admin {{.Admin}}
	default_bind 127.0.0.1
	http_port {{.Port}}
	lockbox {
		storage {{.Storage}}
	}
}
{{end}}{{define "oidc"}}oidc {{.IdP}} {
			client_id ` + e2eClientID + `
			client_secret {env.OIDC_CLIENT_SECRET}
		}{{end}}`

// e2eCaddyfile parses a Caddyfile template that may use the parts of
// e2eCaddyfileParts, {{template "global" .}} and {{template "oidc" .}};
// its data then has Admin, Port, Storage and IdP.
func e2eCaddyfile(text string) *template.Template {
	return template.Must(template.Must(template.New("Caddyfile").Parse(e2eCaddyfileParts)).Parse(text))
}
