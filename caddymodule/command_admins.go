package caddymodule

import (
	"github.com/spf13/cobra"

	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	"github.com/lockbox-gw/lockbox/internal/cli"
)

func init() {
	caddycmd.RegisterCommand(caddycmd.Command{
		Name:  "admins",
		Usage: "list|set --tenant <id> [--address <listen>] [--config <path> [--adapter <name>]]",
		Short: "Lists and sets a tenant's admins",
		Long: `
Manages a tenant's admins: the people who are told about support access
to the tenant and who may open its Support Access page from a link
(see 'lockbox link'). Setting replaces the whole list:

  admins list --tenant acme [--json]
  admins set --tenant acme --admin 'id=a1,email=ana@acme.example,name=Ana Admin,role=owner' [--admin ...]
  admins set --tenant acme --file admins.json
  admins set --tenant acme --clear

` + cli.AdminSpecHelp + `

--file takes a JSON list of {"id", "email", "name", "role"} objects, or
the {"admins": [...]} that 'admins list --json' prints.

` + adminHelp,
		CobraFunc: adminsCommand,
	})
}

// adminsCommand wires `lockbox admins` and its subcommands.
func adminsCommand(cmd *cobra.Command) {
	parentCommand(cmd, adminsListCommand(), adminsSetCommand())
	cmd.RunE = runE(func(*cobra.Command) error {
		return cli.Usagef("say what to do: lockbox admins list or set")
	})
}

func adminsListCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list --tenant <id> [--json]",
		Short: "Lists a tenant's registered admins",
		Args:  cobra.NoArgs,
	}
	cmd.Flags().StringP("tenant", "t", "", "Tenant whose admins to list (required)")
	cmd.Flags().Bool("json", false, "Print the API's JSON")
	cmd.RunE = withClient(func(cmd *cobra.Command, c *cli.Client, fl caddycmd.Flags) error {
		return c.ListAdmins(cli.AdminsListOptions{Tenant: fl.String("tenant"), JSON: fl.Bool("json")})
	})
	return cmd
}

func adminsSetCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "set --tenant <id> (--admin <spec>... | --file <json> | --clear) [--by <name>] [--json]",
		Short: "Replaces a tenant's admins with the list given",
		Long:  "Replaces a tenant's admins with the list given.\n\n" + cli.AdminSpecHelp,
		Args:  cobra.NoArgs,
	}
	f := cmd.Flags()
	f.StringP("tenant", "t", "", "Tenant whose admins to set (required)")
	// StringArray, not StringSlice: a value's commas separate its fields.
	f.StringArray("admin", nil, "One admin, as 'id=a1,email=ana@acme.example,name=Ana Admin,role=owner'; repeat for each admin")
	f.String("file", "", "JSON file with the list of admins")
	f.Bool("clear", false, "Remove every admin of the tenant")
	f.String("by", "", "Your name, recorded as ops:<name> (default: your OS user name)")
	f.Bool("json", false, "Print the API's JSON")
	cmd.RunE = withClient(func(cmd *cobra.Command, c *cli.Client, fl caddycmd.Flags) error {
		specs, err := cmd.Flags().GetStringArray("admin")
		if err != nil {
			return err
		}
		return c.SetAdmins(cli.AdminsSetOptions{
			Tenant: fl.String("tenant"), Specs: specs, File: fl.String("file"), Clear: fl.Bool("clear"),
			By: operator(fl), JSON: fl.Bool("json"),
		})
	})
	return cmd
}
