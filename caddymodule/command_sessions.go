package caddymodule

import (
	"github.com/spf13/cobra"

	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	"github.com/lockbox-gw/lockbox/internal/cli"
)

// sessionsCommand wires `lockbox sessions`.
func sessionsCommand(cmd *cobra.Command) {
	parentCommand(cmd)
	f := cmd.Flags()
	f.StringP("tenant", "t", "", "Tenant whose sessions to list (required)")
	f.Int("limit", cli.DefaultSessionLimit, "Most sessions to show, newest first")
	f.Bool("json", false, "Print the sessions as the API's JSON")
	cmd.RunE = withClient(func(cmd *cobra.Command, c *cli.Client, fl caddycmd.Flags) error {
		return c.Sessions(cli.SessionsOptions{Tenant: fl.String("tenant"), Limit: fl.Int("limit"), JSON: fl.Bool("json")})
	})
}
