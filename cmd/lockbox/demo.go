package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig"
	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	"github.com/lockbox-gw/lockbox/caddymodule"
	"github.com/lockbox-gw/lockbox/internal/cli"
	"github.com/lockbox-gw/lockbox/internal/demoapp"
	"github.com/lockbox-gw/lockbox/internal/devidp"
	"github.com/lockbox-gw/lockbox/internal/grant"
	"github.com/lockbox-gw/lockbox/internal/problem"
	"github.com/lockbox-gw/lockbox/internal/store"
)

// Demo settings.
const (
	demoDirName     = "lockbox-demo"
	demoGrantFor    = 7 * 24 * time.Hour
	demoStopTimeout = 5 * time.Second
	demoReadTimeout = 10 * time.Second
	demoSeedTimeout = 10 * time.Second
)

func init() {
	caddycmd.RegisterCommand(caddycmd.Command{
		Name:  "demo",
		Usage: "[--data <dir>] [--port <n>]",
		Short: "Runs Lockbox, a sign-in service and a demo app on this machine",
		Long: `
Runs the whole product on 127.0.0.1 with nothing to install: a Lockbox
gateway (embedded bbolt store), a development OpenID provider with four
agents (alice, bob, carol, dave; the password is the name) and a demo app
that shows what Lockbox sends it. Tenant acme is granted read+write access
for 7 days; globex has granted nothing. Each tenant has an admin (ada for
acme, gus for globex). It prints the URL to open, a Support Access link
for acme's admin (see the grant, watch the visit, revoke), and the CLI
commands to try, as this binary is run (go run ./cmd/lockbox ... when
started with go run), and runs until Ctrl-C.

Data is kept in --data (default: lockbox-demo in the current directory, or
in your data directory if that cannot be created); delete it to start over.
--port sets the gateway's port (default: a free one).`,
		CobraFunc: func(cmd *cobra.Command) {
			cmd.Args = cobra.NoArgs
			cmd.Flags().String("data", "", "Directory for the demo's data (default: ./"+demoDirName+")")
			cmd.Flags().Int("port", 0, "Gateway port on 127.0.0.1 (default: a free port)")
			cmd.RunE = runDemoE
		},
	})
}

// demo is one running `lockbox demo`: what it started, to stop it again.
type demo struct {
	setup demoapp.Setup
	idp   *devidp.Server
	app   *http.Server
	caddy bool
}

// runDemo starts everything, prints the banner, and waits for Ctrl-C or
// SIGTERM.
func runDemo(cmd *cobra.Command) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fl := caddycmd.Flags{FlagSet: cmd.Flags()}
	dir, where, err := demoDataDir(fl.String("data"))
	if err != nil {
		return err
	}
	d := &demo{}
	defer d.close()
	banner, err := d.start(ctx, dir, fl.Int("port"))
	if err != nil {
		return err
	}
	banner.DataDir, banner.DataWhere = dir, where
	if _, err := banner.WriteTo(cmd.OutOrStdout()); err != nil {
		return err
	}
	<-ctx.Done()
	stop() // a second Ctrl-C kills the process if stopping hangs
	fmt.Fprintln(cmd.ErrOrStderr(), "Stopping the Lockbox demo.")
	return nil
}

// start runs the identity provider, the demo app and the gateway, in that
// order, and grants acme access.
func (d *demo) start(ctx context.Context, dir string, port int) (demoapp.Banner, error) {
	if err := d.plan(dir, port); err != nil {
		return demoapp.Banner{}, err
	}
	if err := d.startIdP(); err != nil {
		return demoapp.Banner{}, err
	}
	if err := d.startApp(); err != nil {
		return demoapp.Banner{}, err
	}
	if err := d.startGateway(); err != nil {
		return demoapp.Banner{}, err
	}
	return d.seed(ctx)
}

// seed grants acme access, registers the tenants' admins and signs the
// Support Access link the banner prints.
func (d *demo) seed(ctx context.Context) (demoapp.Banner, error) {
	ctx, cancel := context.WithTimeout(ctx, demoSeedTimeout)
	defer cancel()
	a, err := lockboxApp()
	if err != nil {
		return demoapp.Banner{}, err
	}
	g, created, err := seedGrant(ctx, a)
	if err != nil {
		return demoapp.Banner{}, err
	}
	if err := seedAdmins(ctx, a); err != nil {
		return demoapp.Banner{}, err
	}
	link, c, err := adminLink(ctx, a)
	if err != nil {
		return demoapp.Banner{}, err
	}
	return demoapp.Banner{Setup: d.setup, Grant: g, GrantNew: created, AdminLink: link, AdminLinkUntil: c.ExpiresAt,
		Command: cliCommand()}, nil
}

// plan picks the ports and the secret.
func (d *demo) plan(dir string, port int) error {
	gateway, err := gatewayPort(port)
	if err != nil {
		return err
	}
	admin, err := freeLoopbackPort()
	if err != nil {
		return err
	}
	d.setup = demoapp.Setup{
		GatewayPort:  gateway,
		AdminAddr:    "127.0.0.1:" + strconv.Itoa(admin),
		ClientSecret: rand.Text(),
		DBPath:       filepath.Join(dir, "lockbox.db"),
	}
	return nil
}

func (d *demo) startIdP() error {
	idp, err := devidp.Start("127.0.0.1:0", devidp.Config{Clients: []devidp.Client{{
		ID:           demoapp.DemoClientID,
		Secret:       d.setup.ClientSecret,
		RedirectURIs: []string{d.setup.CallbackURL()},
	}}})
	if err != nil {
		return fmt.Errorf("starting the identity provider: %v", err)
	}
	d.idp, d.setup.IdPIssuer = idp, idp.Issuer()
	return nil
}

func (d *demo) startApp() error {
	app, err := demoapp.New(demoapp.Config{Issuer: d.setup.TokenIssuer(), Audience: d.setup.TokenAudience()})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("starting the demo app: %v", err)
	}
	d.app = &http.Server{Handler: app, ReadHeaderTimeout: demoReadTimeout}
	d.setup.AppAddr = ln.Addr().String()
	go func() { _ = d.app.Serve(ln) }() // ErrServerClosed after close
	return nil
}

// startGateway adapts the demo's Caddyfile and runs it in this process.
func (d *demo) startGateway() error {
	text, err := d.setup.Caddyfile()
	if err != nil {
		return err
	}
	cfg, _, err := caddyconfig.GetAdapter("caddyfile").Adapt([]byte(text), map[string]any{"filename": "lockbox-demo"})
	if err != nil {
		return fmt.Errorf("adapting the demo's Caddyfile: %v", err)
	}
	if err := caddy.Load(cfg, true); err != nil {
		return fmt.Errorf("starting the gateway: %v", err)
	}
	d.caddy = true
	return nil
}

// close stops what was started, the gateway first so no request reaches
// a stopped part.
func (d *demo) close() {
	if d.caddy {
		_ = caddy.Stop()
	}
	if d.app != nil {
		ctx, cancel := context.WithTimeout(context.Background(), demoStopTimeout)
		defer cancel()
		_ = d.app.Shutdown(ctx)
	}
	if d.idp != nil {
		_ = d.idp.Close()
	}
}

// seedGrant gives acme a 7-day read+write grant unless it has an active
// one, through the running lockbox app's grant service.
func seedGrant(ctx context.Context, a *caddymodule.App) (store.Grant, bool, error) {
	g, err := a.Grants().Current(ctx, demoapp.GrantedTenant)
	if err == nil || problem.As(err).Kind != problem.NotFound {
		return g, false, err
	}
	g, err = a.Grants().Create(ctx, grant.CreateRequest{
		Tenant: demoapp.GrantedTenant, Scopes: []string{"read", "write"}, Duration: demoGrantFor,
		By: demoOperator, Note: "granted by lockbox demo",
	})
	return g, err == nil, err
}

// demoDataDir returns the data directory, created if needed, and how it
// was chosen: --data, else ./lockbox-demo, else lockbox-demo in Caddy's
// data directory.
func demoDataDir(flag string) (dir, where string, err error) {
	if flag != "" {
		dir, err := filepath.Abs(flag)
		if err == nil {
			err = os.MkdirAll(dir, 0o700)
		}
		if err != nil {
			return "", "", fmt.Errorf("creating the --data directory: %v", err)
		}
		return dir, "from --data", nil
	}
	if cwd, err := os.Getwd(); err == nil {
		dir := filepath.Join(cwd, demoDirName)
		if os.MkdirAll(dir, 0o700) == nil {
			return dir, "in the current directory", nil
		}
	}
	dir = filepath.Join(caddy.AppDataDir(), demoDirName)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", fmt.Errorf("creating a directory for the demo's data (choose one with --data): %v", err)
	}
	return dir, "in your data directory", nil
}

// gatewayPort returns port if it is free on 127.0.0.1, or a free port
// when port is 0.
func gatewayPort(port int) (int, error) {
	if port == 0 {
		return freeLoopbackPort()
	}
	if port < 1 || port > 65535 {
		return 0, fmt.Errorf("--port %d is out of range: use 1 to 65535", port)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return 0, fmt.Errorf("port %d on 127.0.0.1 is not free: %v", port, errors.Unwrap(err))
	}
	_ = ln.Close()
	return port, nil
}

// freeLoopbackPort returns a port that was free on 127.0.0.1 a moment ago.
func freeLoopbackPort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port on 127.0.0.1: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// runDemoE runs the demo for cobra. An error is printed as one
// "lockbox: ..." line with no usage dump, like the other commands.
func runDemoE(cmd *cobra.Command, _ []string) error {
	err := runDemo(cmd)
	if err != nil {
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		fmt.Fprintln(cmd.ErrOrStderr(), cli.Line(err))
	}
	return err
}
