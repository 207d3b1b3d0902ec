package demoapp

import (
	"io"
	"strings"
	"text/template"
	"time"

	"github.com/lockbox-gw/lockbox/internal/admins"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Banner is what `lockbox demo` prints once everything runs: where to go,
// who to sign in as, and what to try.
type Banner struct {
	Setup Setup
	// DataDir is the absolute directory of the demo's data; DataWhere says
	// how it was chosen, e.g. "in the current directory".
	DataDir, DataWhere string
	// Grant is acme's active grant; GrantNew is whether the demo created
	// it now.
	Grant    store.Grant
	GrantNew bool
	// AdminLink is a Support Access link for LinkAdmin, opening once
	// until AdminLinkUntil.
	AdminLink      string
	AdminLinkUntil time.Time
	// Command is how to run the CLI as typed in a shell: "lockbox", a
	// path, or "go run ./cmd/lockbox".
	Command string
}

// WriteTo writes the banner to w.
func (b Banner) WriteTo(w io.Writer) (int64, error) {
	var sb strings.Builder
	if err := bannerTemplate.Execute(&sb, b); err != nil {
		return 0, err
	}
	n, err := io.WriteString(w, sb.String())
	return int64(n), err
}

// Granted names the tenant the demo grants access, for the template.
func (Banner) Granted() string { return GrantedTenant }

// Ungranted names the tenant without a grant, for the template.
func (Banner) Ungranted() string { return UngrantedTenant }

// LinkExpiry is when the printed link stops opening, for the template.
func (b Banner) LinkExpiry() *time.Time { return &b.AdminLinkUntil }

// Admin is the admin the printed Support Access link is for.
func (Banner) Admin() admins.Admin { return LinkAdmin() }

var bannerTemplate = template.Must(template.New("banner").Funcs(template.FuncMap{
	"until": until,
	"join":  strings.Join,
}).Parse(`Lockbox demo is running on 127.0.0.1 only.

Open {{.Setup.ConsoleURL}} and sign in as an agent (the password is the name):
  alice   support: read-only
  bob     operations: read, write and personal data (pii)
  carol   on-call: read and write, break-glass for 1h
  dave    no support role: Lockbox turns him away

Tenant {{.Granted}} {{if .GrantNew}}granted{{else}}had already granted{{end}} {{join .Grant.Scopes "+"}} access {{until .Grant.ExpiresAt}} (grant {{.Grant.ID}});
{{.Ungranted}} has granted nothing.
Enter {{.Granted}} from the console to see the demo app ({{.Setup.SiteURL}}/) as an agent:
it shows what Lockbox sends it. A deny rule keeps agents out of /settings/billing.

As {{.Granted}}'s admin ({{.Admin.Name}}), open its Support Access page: see the grant,
watch each agent's visit, revoke access and grant it again. The link opens once
(press Continue), {{until .LinkExpiry}}:
  {{.AdminLink}}

Try the CLI in another terminal:
  {{.Command}} grant list --address {{.Setup.AdminAddr}}
  {{.Command}} grant create --tenant {{.Granted}} --for 1d --scopes read,write,pii --address {{.Setup.AdminAddr}}
  {{.Command}} grant revoke --tenant {{.Granted}} --reason "demo over" --address {{.Setup.AdminAddr}}
  {{.Command}} audit --tenant {{.Granted}} --address {{.Setup.AdminAddr}}
  {{.Command}} link --tenant {{.Granted}} --admin {{.Admin.ID}} --address {{.Setup.AdminAddr}}
(the last prints a new Support Access link)

Identity provider (development only): {{.Setup.IdPIssuer}}
Data: {{.DataDir}} ({{.DataWhere}}; delete it to start over)

Press Ctrl-C to stop.
`))

// until says how long a grant lasts.
func until(expires *time.Time) string {
	if expires == nil {
		return "until revoked"
	}
	return "until " + expires.Local().Format("2006-01-02 15:04 MST")
}
