package demoapp

import (
	"io"
	"strings"
	"text/template"
	"time"

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
	// Command is the CLI's name, e.g. "lockbox".
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

var bannerTemplate = template.Must(template.New("banner").Funcs(template.FuncMap{
	"until": until,
	"join":  strings.Join,
}).Parse(`Lockbox demo is running on 127.0.0.1 only.

Open {{.Setup.ConsoleURL}} and sign in as (the password is the name):
  alice   support: read-only
  bob     operations: read, write and personal data (pii)
  carol   on-call: read and write, break-glass for 1h
  dave    no support role: Lockbox turns him away

Tenant {{.Granted}} {{if .GrantNew}}granted{{else}}had already granted{{end}} {{join .Grant.Scopes "+"}} access {{until .Grant.ExpiresAt}} (grant {{.Grant.ID}});
{{.Ungranted}} has granted nothing.
Enter {{.Granted}} from the console to see the demo app ({{.Setup.SiteURL}}/) as an agent:
it shows what Lockbox sends it. A deny rule keeps agents out of /settings/billing.

Try the CLI in another terminal:
  {{.Command}} grant list --address {{.Setup.AdminAddr}}
  {{.Command}} grant create --tenant {{.Granted}} --for 1d --scopes read,write,pii --address {{.Setup.AdminAddr}}
  {{.Command}} grant revoke --tenant {{.Granted}} --reason "demo over" --address {{.Setup.AdminAddr}}
  {{.Command}} audit --tenant {{.Granted}} --address {{.Setup.AdminAddr}}

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
