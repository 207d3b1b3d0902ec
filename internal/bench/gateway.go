package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	// consolePrefix is where Lockbox serves its own routes (the default).
	consolePrefix = "/_lockbox"
	// oidcClientID is Lockbox's client id at the development provider.
	oidcClientID = "lockbox"
	// cliTimeout bounds one lockbox CLI command.
	cliTimeout = 2 * time.Minute
)

// gateway is one `lockbox run` process serving one site.
type gateway struct {
	name  string
	site  string // http://127.0.0.1:<port>
	port  int
	admin string // 127.0.0.1:<port>
	proc  *process
}

// newGateway picks free ports for a gateway's site and admin endpoint.
func newGateway(name string) (*gateway, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	adminPort, err := freePort()
	if err != nil {
		return nil, err
	}
	return &gateway{
		name:  name,
		site:  fmt.Sprintf("http://127.0.0.1:%d", port),
		port:  port,
		admin: fmt.Sprintf("127.0.0.1:%d", adminPort),
	}, nil
}

// globalOptions is the global block both gateways share, listening on
// loopback only; extra is added inside it. Caddy's access logs stay off
// (no log directive) in every site, so the configs differ only in
// Lockbox.
func (g *gateway) globalOptions(extra string) string {
	return fmt.Sprintf("{\n\tadmin %s\n\thttp_port %d\n\tdefault_bind 127.0.0.1\n%s}\n", g.admin, g.port, extra)
}

// bareCaddyfile is the baseline: a site with only reverse_proxy.
func (g *gateway) bareCaddyfile(upstream string) string {
	return g.globalOptions("") + fmt.Sprintf("\n%s {\n\treverse_proxy %s\n}\n", g.site, upstream)
}

// lockboxCaddyfile puts the lockbox handler, with Redis storage and the
// development provider, in front of the same reverse_proxy. The
// operations role maps the provider's customer-ops group (user bob).
func (g *gateway) lockboxCaddyfile(upstream, redisURL, issuer, secret, audit string) string {
	global := fmt.Sprintf("\tlockbox {\n\t\tstorage redis %s\n\t\taudit %s\n\t}\n", redisURL, audit)
	site := fmt.Sprintf(`
%s {
	lockbox {
		oidc %s {
			client_id %s
			client_secret %s
			roles_claim groups
		}
		role operations groups customer-ops scopes read write pii
	}
	reverse_proxy %s
}
`, g.site, issuer, oidcClientID, secret, upstream)
	return g.globalOptions(global) + site
}

// start writes config into dir and runs lockbox with it until ready: the
// site answers with the upstream's body and, for Lockbox, the admin API
// answers too.
// headersCaddyfile is bare reverse_proxy with a header_up line per
// identity header, values as given (sorted, quoted).
func (g *gateway) headersCaddyfile(upstream string, ids map[string]string) string {
	var lines strings.Builder
	for _, name := range slices.Sorted(maps.Keys(ids)) {
		fmt.Fprintf(&lines, "\t\theader_up %s %s\n", name, strconv.Quote(ids[name]))
	}
	return g.globalOptions("") + fmt.Sprintf("\n%s {\n\treverse_proxy %s {\n%s\t}\n}\n", g.site, upstream, lines.String())
}

func (g *gateway) start(ctx context.Context, bin, dir string, env []string, config string, withLockbox bool) error {
	path := filepath.Join(dir, g.name+".Caddyfile")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		return err
	}
	p, err := startProcess(g.name, filepath.Join(dir, g.name+".log"), env, bin, "run", "--config", path, "--adapter", "caddyfile")
	if err != nil {
		return err
	}
	g.proc = p
	client := &http.Client{Timeout: time.Second}
	err = poll(ctx, readyTimeout, func() (bool, error) {
		if !p.running() {
			return false, errors.New("exited before it was ready")
		}
		ok := answers(ctx, client, g.site+"/", bodySize)
		if withLockbox {
			ok = ok && answers(ctx, client, "http://"+g.admin+"/lockbox/grants", -1)
		}
		return ok, nil
	})
	if err != nil {
		return fmt.Errorf("gateway %s: %v\n%s", g.name, err, p.tail())
	}
	return nil
}

// answers reports whether url answers 200 with a body of size bytes
// (any size when size < 0).
func answers(ctx context.Context, client *http.Client, url string, size int) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return err == nil && resp.StatusCode == http.StatusOK && (size < 0 || len(b) == size)
}

// stop ends the gateway process, if it was started.
func (g *gateway) stop() {
	if g.proc != nil {
		g.proc.stop()
	}
}

// lockboxCLI runs a lockbox CLI command against the gateway's admin
// endpoint and returns its standard output. A failure carries the
// command's own one-line error.
func (g *gateway) lockboxCLI(ctx context.Context, bin string, env []string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, cliTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append(args, "--address", g.admin)...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("lockbox %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
