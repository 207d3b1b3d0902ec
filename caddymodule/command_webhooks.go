package caddymodule

import (
	"github.com/spf13/cobra"

	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	"github.com/lockbox-gw/lockbox/internal/cli"
)

func init() {
	caddycmd.RegisterCommand(caddycmd.Command{
		Name:  "webhooks",
		Usage: "test [--json]",
		Short: "Sends a test event to every webhook endpoint",
		Long: `
Queues a lockbox.test event for every webhook endpoint configured in the
lockbox global options. Each endpoint gets it signed like any event, and
it is retried until the endpoint accepts it:

  webhooks test [--json]

` + adminHelp,
		CobraFunc: webhooksCommand,
	})
}

// webhooksCommand wires `lockbox webhooks` and its subcommand test.
func webhooksCommand(cmd *cobra.Command) {
	parentCommand(cmd, webhooksTestCommand())
	cmd.RunE = runE(func(*cobra.Command) error {
		return cli.Usagef("say what to do: lockbox webhooks test")
	})
}

func webhooksTestCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "test [--json]",
		Short: "Queues a lockbox.test event for every webhook endpoint",
		Args:  cobra.NoArgs,
	}
	cmd.Flags().Bool("json", false, "Print the API's JSON")
	cmd.RunE = withClient(func(cmd *cobra.Command, c *cli.Client, fl caddycmd.Flags) error {
		return c.SendTestWebhook(cli.WebhookTestOptions{JSON: fl.Bool("json")})
	})
	return cmd
}
