package caddymodule

import (
	"github.com/spf13/cobra"

	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	"github.com/lockbox-gw/lockbox/internal/cli"
)

// keysCommand wires `lockbox keys` and its subcommand rotate.
func keysCommand(cmd *cobra.Command) {
	parentCommand(cmd, keysRotateCommand())
	cmd.RunE = runE(func(*cobra.Command) error {
		return cli.Usagef("say what to do: lockbox keys rotate")
	})
}

func keysRotateCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rotate [--links] [--json]",
		Short: "Makes a new key sign impersonation tokens (or, with --links, admin links); the old one is kept until what it signed expires",
		Args:  cobra.NoArgs,
	}
	cmd.Flags().Bool("links", false, "Rotate the key of links to the Support Access page instead")
	cmd.Flags().Bool("json", false, "Print the API's JSON")
	cmd.RunE = withClient(func(cmd *cobra.Command, c *cli.Client, fl caddycmd.Flags) error {
		return c.RotateKeys(cli.RotateOptions{Links: fl.Bool("links"), JSON: fl.Bool("json")})
	})
	return cmd
}
