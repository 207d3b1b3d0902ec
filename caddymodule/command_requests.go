package caddymodule

import (
	"github.com/spf13/cobra"

	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	"github.com/lockbox-gw/lockbox/internal/cli"
)

func init() {
	caddycmd.RegisterCommand(caddycmd.Command{
		Name:  "requests",
		Usage: "--tenant <id> [--state pending|approved|denied|expired] [--limit <n>] [--json]",
		Short: "Lists a tenant's access requests, newest first",
		Long: `
Lists the support agents' requests for access to a tenant, newest first:
who asked, for what (scopes, duration, areas, or more time on the active
grant), how many of the approvals needed were given, and when the request
expires or who decided it:

  requests --tenant acme [--state pending] [--limit 100] [--json]

` + adminHelp,
		CobraFunc: requestsCommand,
	})
}

// requestsCommand wires `lockbox requests`.
func requestsCommand(cmd *cobra.Command) {
	parentCommand(cmd)
	f := cmd.Flags()
	f.StringP("tenant", "t", "", "Tenant whose access requests to list (required)")
	f.String("state", "", "List only requests in this state: pending, approved, denied or expired")
	f.Int("limit", cli.DefaultRequestLimit, "Most requests to show, newest first")
	f.Bool("json", false, "Print the requests as the API's JSON")
	cmd.RunE = withClient(func(cmd *cobra.Command, c *cli.Client, fl caddycmd.Flags) error {
		return c.Requests(cli.RequestsOptions{
			Tenant: fl.String("tenant"), State: fl.String("state"), Limit: fl.Int("limit"), JSON: fl.Bool("json"),
		})
	})
}
