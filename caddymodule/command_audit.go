package caddymodule

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	"github.com/lockbox-gw/lockbox/internal/cli"
)

// auditCommand wires `lockbox audit` (with --follow) and
// `lockbox audit verify`.
func auditCommand(cmd *cobra.Command) {
	parentCommand(cmd, auditVerifyCommand(), auditExportCommand())
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
		Use:   "verify --tenant <id> [--archive <dir>] [--checkpoint <file>...] [--jwks <file>...] [--json]",
		Short: "Checks a tenant's audit hash chain; exits non-zero when it is broken",
		Args:  cobra.NoArgs,
	}
	cmd.Flags().StringP("tenant", "t", "", "Tenant whose audit chain to verify (required)")
	cmd.Flags().Bool("json", false, "Print the verification as the API's JSON")
	cmd.Flags().String("archive", "", "Audit archive directory to walk before the store (audit_archive)")
	cmd.Flags().StringArray("checkpoint", nil, "File of signed checkpoints (one JWS per line) the chain must match; repeatable")
	cmd.Flags().StringArray("jwks", nil, "Key set file to check checkpoints with, besides the gateway's published keys; repeatable")
	cmd.RunE = withClient(func(cmd *cobra.Command, c *cli.Client, fl caddycmd.Flags) error {
		o := cli.ArchiveVerifyOptions{Tenant: fl.String("tenant"), Archive: fl.String("archive"), JSON: fl.Bool("json")}
		o.Checkpoints, _ = cmd.Flags().GetStringArray("checkpoint")
		o.JWKS, _ = cmd.Flags().GetStringArray("jwks")
		if o.Archive == "" && len(o.Checkpoints) == 0 {
			return c.VerifyAudit(cli.VerifyOptions{Tenant: o.Tenant, JSON: o.JSON})
		}
		return c.VerifyArchive(cmd.Context(), o)
	})
	return cmd
}

func auditExportCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export --out <file|-> [--cursor <file>] [--follow] [--interval 5s]",
		Short: "Appends every tenant's audit events as JSON lines, resuming after the last one exported",
		Args:  cobra.NoArgs,
	}
	cmd.Flags().String("out", "", "File to append to (a log shipper tails it), or - for stdout (required)")
	cmd.Flags().String("cursor", "", "File keeping what was exported (default: <out>.cursor; required with --out -)")
	cmd.Flags().BoolP("follow", "f", false, "Keep exporting new events until interrupted")
	cmd.Flags().Duration("interval", 5*time.Second, "With --follow, how often to look for new events")
	cmd.RunE = withClient(func(cmd *cobra.Command, c *cli.Client, fl caddycmd.Flags) error {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		interval, _ := cmd.Flags().GetDuration("interval")
		if interval <= 0 {
			return cli.Usagef("--interval must be positive")
		}
		return c.Export(ctx, cli.ExportOptions{Out: fl.String("out"), Cursor: fl.String("cursor"), Follow: fl.Bool("follow"), Interval: interval})
	})
	return cmd
}
