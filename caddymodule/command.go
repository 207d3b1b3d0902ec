package caddymodule

import (
	"bytes"
	"fmt"
	"io"
	"net/http"

	"github.com/spf13/cobra"

	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	"github.com/caddyserver/caddy/v2"

	"github.com/lockbox-gw/lockbox/internal/cli"
)

func init() {
	caddycmd.RegisterCommand(caddycmd.Command{
		Name:  "grant",
		Usage: "create|list|revoke [--address <listen>] [--config <path> [--adapter <name>]]",
		Short: "Creates, lists and revokes tenants' grants of support access",
		Long: `
Manages grants, a tenant's consent to support access, on the running
Lockbox instance:

  grant create --tenant acme --for 7d --scopes read,write --note "ticket 42"
  grant list [--tenant acme]
  grant revoke --tenant acme [--id g_...] [--reason "done"]

` + adminHelp,
		CobraFunc: grantCommand,
	})
	caddycmd.RegisterCommand(caddycmd.Command{
		Name:  "audit",
		Usage: "--tenant <id> [--since <time|duration>] [--limit <n>] [--json] | verify --tenant <id> [--json]",
		Short: "Shows a tenant's audit trail and verifies its hash chain",
		Long: `
Prints a tenant's audit events in order, oldest first:

  audit --tenant acme [--since 24h] [--limit 100] [--json]

and checks that no stored event was changed or removed (exits non-zero,
naming the first broken event, when one was):

  audit verify --tenant acme [--json]

` + adminHelp,
		CobraFunc: auditCommand,
	})
	caddycmd.RegisterCommand(caddycmd.Command{
		Name:  "sessions",
		Usage: "--tenant <id> [--limit <n>] [--json]",
		Short: "Lists a tenant's impersonation sessions, newest first",
		Long: `
Lists the support agents' impersonation sessions in a tenant, newest
first: who, when they started and ended, why they ended, and how many
requests they made:

  sessions --tenant acme [--limit 100] [--json]

` + adminHelp,
		CobraFunc: sessionsCommand,
	})
	caddycmd.RegisterCommand(caddycmd.Command{
		Name:  "keys",
		Usage: "rotate [--links] [--json]",
		Short: "Rotates the keys that sign impersonation tokens or admin links",
		Long: `
Makes a new key sign impersonation tokens on every instance. The previous
key stays published in the JWKS until the tokens it signed have expired:

  keys rotate [--json]

With --links, makes a new key sign the links to the Support Access page
instead. The previous key keeps opening the links it signed, each until
its own expiry, and is dropped when the longest a link may live (30d)
has passed:

  keys rotate --links [--json]

A key given with signing_key_file or link_key_file is not rotated:
change the file and reload instead.

` + adminHelp,
		CobraFunc: keysCommand,
	})
}

// adminHelp ends every command's help: how the running instance is found.
var adminHelp = `These commands talk to the running instance through its admin API at
'` + caddy.DefaultAdminListen + `'; point to another with --address, or use --config
to read the address from your config.`

// maxAnswer bounds an answer read from the admin API; a full page of audit
// events stays well below it.
const maxAnswer = 64 << 20

// addAdminFlags adds the flags that locate the admin API, as Caddy's own
// commands have them, to a command and its subcommands.
func addAdminFlags(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.String("address", "", "Address of the administration API listener (if --config is not used)")
	f.StringP("config", "c", "", "Configuration file (if --address is not used)")
	f.StringP("adapter", "a", "", "Name of config adapter to apply (if --config is used)")
}

// newClient returns a client of the admin API the flags point to.
func newClient(cmd *cobra.Command) (*cli.Client, error) {
	fl := caddycmd.Flags{FlagSet: cmd.Flags()}
	addr, err := caddycmd.DetermineAdminAPIAddress(fl.String("address"), nil, fl.String("config"), fl.String("adapter"))
	if err != nil {
		return nil, fmt.Errorf("couldn't determine the admin API address: %v", err)
	}
	return &cli.Client{Send: adminTransport(addr), Out: cmd.OutOrStdout()}, nil
}

// adminTransport sends requests with Caddy's admin client, which reaches
// every kind of admin listener (TCP, unix socket) and sets the Origin the
// admin endpoint checks.
func adminTransport(addr string) cli.Transport {
	return func(method, uri string, body []byte) (int, []byte, error) {
		var r io.Reader
		if body != nil {
			r = bytes.NewReader(body)
		}
		resp, err := caddycmd.AdminAPIRequest(addr, method, uri, nil, r)
		if err != nil {
			return cli.FromAdminRequest(addr, err)
		}
		defer resp.Body.Close()
		return readAnswer(resp)
	}
}

func readAnswer(resp *http.Response) (int, []byte, error) {
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return 0, nil, fmt.Errorf("reading the admin API's answer: %v", err)
	}
	return resp.StatusCode, b, nil
}

// withClient is runE for commands that talk to the running instance: the
// body gets a client of its admin API and the command's flags.
func withClient(body func(cmd *cobra.Command, c *cli.Client, fl caddycmd.Flags) error) func(*cobra.Command, []string) error {
	return runE(func(cmd *cobra.Command) error {
		c, err := newClient(cmd)
		if err != nil {
			return err
		}
		return body(cmd, c, caddycmd.Flags{FlagSet: cmd.Flags()})
	})
}

// runE adapts a command body to cobra. An error is printed as the one
// line "lockbox: ..." with no usage dump; a usage problem also names the
// help to read. Caddy's main then exits with status 1, which is
// caddy.ExitCodeFailedStartup, for either kind.
func runE(body func(cmd *cobra.Command) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		err := body(cmd)
		if err == nil {
			return nil
		}
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		line := cli.Line(err)
		if cli.IsUsage(err) {
			line += seeHelp(cmd)
		}
		fmt.Fprintln(cmd.ErrOrStderr(), line)
		return err
	}
}

// seeHelp points to the command's help.
func seeHelp(cmd *cobra.Command) string {
	return fmt.Sprintf(" (see '%s --help')", cmd.CommandPath())
}

// parentCommand sets up a command that groups subcommands. It gets the
// admin flags, shared by its subcommands; cobra's own errors (an unknown
// subcommand or flag, a malformed value) print as one "lockbox: ..." line
// like ours.
func parentCommand(cmd *cobra.Command, subs ...*cobra.Command) {
	cmd.SetErrPrefix("lockbox:")
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%v%s", err, seeHelp(c))
	})
	cmd.Args = cobra.NoArgs
	addAdminFlags(cmd)
	cmd.AddCommand(subs...)
}

// operator returns --by, or the OS user name when it is not given.
func operator(fl caddycmd.Flags) string {
	if by := fl.String("by"); by != "" {
		return by
	}
	return cli.DefaultOperator()
}
