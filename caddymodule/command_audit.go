package caddymodule

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	"github.com/lockbox-gw/lockbox/internal/cli"
)

// auditCommand wires `lockbox audit` (with --follow) and
// `lockbox audit verify`.
func auditCommand(cmd *cobra.Command) {
	parentCommand(cmd, auditVerifyCommand())
	f := cmd.Flags()
	f.StringP("tenant", "t", "", "Tenant whose audit trail to show (required unless --logins)")
	f.Bool("logins", false, "Show the chain of agent logins and logouts (which belong to no tenant) instead")
	f.String("since", "", "Only events from this time on: RFC 3339 (2025-01-02T15:04:05Z) or a duration back from now (24h, 7d)")
	f.Int("limit", cli.DefaultAuditLimit, "Most events to show")
	f.Bool("json", false, "Print the events as the API's JSON (with --follow: one JSON object per line)")
	f.BoolP("follow", "f", false, "Keep printing new events as they are appended, until interrupted")
	cmd.RunE = withClient(func(cmd *cobra.Command, c *cli.Client, fl caddycmd.Flags) error {
		o := cli.AuditOptions{Tenant: fl.String("tenant"), Logins: fl.Bool("logins"), Since: fl.String("since"), Limit: fl.Int("limit"), JSON: fl.Bool("json")}
		if !fl.Bool("follow") {
			return c.Audit(o)
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return c.Follow(ctx, o, cli.FollowInterval)
	})
}

func auditVerifyCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify --tenant <id> [--json]",
		Short: "Checks a tenant's audit hash chain; exits non-zero when it is broken",
		Args:  cobra.NoArgs,
	}
	cmd.Flags().StringP("tenant", "t", "", "Tenant whose audit chain to verify (required)")
	cmd.Flags().Bool("json", false, "Print the verification as the API's JSON")
	cmd.RunE = withClient(func(cmd *cobra.Command, c *cli.Client, fl caddycmd.Flags) error {
		return c.VerifyAudit(cli.VerifyOptions{Tenant: fl.String("tenant"), JSON: fl.Bool("json")})
	})
	return cmd
}
