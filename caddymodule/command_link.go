package caddymodule

import (
	"github.com/spf13/cobra"

	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	"github.com/lockbox-gw/lockbox/internal/cli"
)

func init() {
	caddycmd.RegisterCommand(caddycmd.Command{
		Name:  "link",
		Usage: "--tenant <id> --admin <id> [--ttl <duration>] [--areas <a,b>] [--json]",
		Short: "Makes a signed link to a tenant's Support Access page for one admin",
		Long: `
Makes a signed, expiring link that opens the tenant's hosted Support
Access page for one of its registered admins (see 'lockbox admins'),
whose role must be one that may change support access:

  link --tenant acme --admin a1 [--ttl 24h] [--areas planning,billing] [--json]

The URL alone goes to standard output, so scripts can take it; until
when it opens goes to standard error. --ttl defaults to the instance's
link_ttl and may be 1m to 30d. --areas limits what the link's holder may
grant to those areas of the site (without it, any area or the whole
app). Links start with the public_url setting (or the first Lockbox
site's address).

` + adminHelp,
		CobraFunc: linkCommand,
	})
}

// linkCommand wires `lockbox link`.
func linkCommand(cmd *cobra.Command) {
	parentCommand(cmd)
	f := cmd.Flags()
	f.StringP("tenant", "t", "", "Tenant whose Support Access page the link opens (required)")
	f.String("admin", "", "Id of the registered admin the link is for (required)")
	f.String("ttl", "", "How long the link opens: hours and minutes like 24h, or days like 7d (default: link_ttl)")
	f.String("areas", "", "Let the link's holder grant only these areas of the app, comma-separated (default: any)")
	f.Bool("json", false, "Print the API's JSON (url and expires_at)")
	cmd.RunE = withClient(func(cmd *cobra.Command, c *cli.Client, fl caddycmd.Flags) error {
		return c.Link(cli.LinkOptions{
			Tenant: fl.String("tenant"), Admin: fl.String("admin"), TTL: fl.String("ttl"),
			Areas: []string{fl.String("areas")}, JSON: fl.Bool("json"), Info: cmd.ErrOrStderr(),
		})
	})
}
