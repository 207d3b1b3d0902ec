package caddymodule

import (
	"github.com/spf13/cobra"

	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	"github.com/lockbox-gw/lockbox/internal/cli"
)

// grantCommand wires `lockbox grant` and its subcommands.
func grantCommand(cmd *cobra.Command) {
	parentCommand(cmd, grantCreateCommand(), grantListCommand(), grantRevokeCommand())
	cmd.RunE = runE(func(*cobra.Command) error {
		return cli.Usagef("say what to do: lockbox grant create, list or revoke")
	})
}

func grantCreateCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "create --tenant <id> (--for <duration> | --standing) [--scopes read,write,pii] [--areas <a,b>] [--note <text>] [--by <name>] [--json]",
		Short: "Grants support access to a tenant, replacing its active grant",
		Args:  cobra.NoArgs,
	}
	f := cmd.Flags()
	f.StringP("tenant", "t", "", "Tenant to grant access to (required)")
	f.String("for", "", "How long the grant lasts: days like 7d, or hours and minutes like 36h (at most 400d)")
	f.Bool("standing", false, "Grant until revoked, instead of --for")
	f.String("scopes", "read", "Scopes to grant, comma-separated: read, write, pii (read is always included)")
	f.String("areas", "", "Limit the grant to these areas of the app, comma-separated (default: the whole app)")
	f.String("note", "", "Why access is granted, e.g. a ticket reference")
	f.String("by", "", "Your name, recorded as ops:<name> (default: your OS user name)")
	f.Bool("json", false, "Print the created grant as JSON")
	cmd.RunE = withClient(func(cmd *cobra.Command, c *cli.Client, fl caddycmd.Flags) error {
		return c.CreateGrant(cli.CreateOptions{
			Tenant: fl.String("tenant"), For: fl.String("for"), Standing: fl.Bool("standing"),
			Scopes: []string{fl.String("scopes")}, Areas: []string{fl.String("areas")}, Note: fl.String("note"), By: operator(fl), JSON: fl.Bool("json"),
		})
	})
	return cmd
}

func grantListCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list [--tenant <id>] [--json]",
		Short: "Lists every tenant's active grant, or one tenant's grants with history",
		Args:  cobra.NoArgs,
	}
	cmd.Flags().StringP("tenant", "t", "", "Show this tenant's active grant and history")
	cmd.Flags().Bool("json", false, "Print the API's JSON")
	cmd.RunE = withClient(func(cmd *cobra.Command, c *cli.Client, fl caddycmd.Flags) error {
		return c.ListGrants(cli.ListOptions{Tenant: fl.String("tenant"), JSON: fl.Bool("json")})
	})
	return cmd
}

func grantRevokeCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "revoke --tenant <id> [--id <grant>] [--reason <text>] [--by <name>] [--json]",
		Short: "Revokes a tenant's active grant, or the grant named by --id",
		Args:  cobra.NoArgs,
	}
	f := cmd.Flags()
	f.StringP("tenant", "t", "", "Tenant whose grant to revoke (required)")
	f.String("id", "", "Grant to revoke (default: the active one)")
	f.String("reason", "", "Why access is revoked")
	f.String("by", "", "Your name, recorded as ops:<name> (default: your OS user name)")
	f.Bool("json", false, "Print the revoked grant as JSON")
	cmd.RunE = withClient(func(cmd *cobra.Command, c *cli.Client, fl caddycmd.Flags) error {
		return c.RevokeGrant(cli.RevokeOptions{
			Tenant: fl.String("tenant"), ID: fl.String("id"), Reason: fl.String("reason"), By: operator(fl), JSON: fl.Bool("json"),
		})
	})
	return cmd
}
