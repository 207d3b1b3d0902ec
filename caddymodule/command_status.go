package caddymodule

import (
	"github.com/spf13/cobra"

	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	"github.com/lockbox-gw/lockbox/internal/cli"
)

func init() {
	caddycmd.RegisterCommand(caddycmd.Command{
		Name:  "status",
		Usage: "[--json] [--address <listen>] [--config <path> [--adapter <name>]]",
		Short: "Shows whether the running instance can serve agents",
		Long: `
Prints the running instance's health: whether its store answers and how
fast, whether the change feed is heard, the audit queue, the outbox
backlog and the signing key. Exits non-zero when agents would be
refused, so scripts and monitors can use it:

  status [--json]

` + adminHelp,
		CobraFunc: func(cmd *cobra.Command) {
			cmd.Args = cobra.NoArgs
			addAdminFlags(cmd)
			cmd.Flags().Bool("json", false, "Print the API's JSON")
			cmd.RunE = withClient(func(cmd *cobra.Command, c *cli.Client, fl caddycmd.Flags) error {
				return c.Status(cli.StatusOptions{JSON: fl.Bool("json")})
			})
		},
	})
}
