package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/caddyserver/caddy/v2"
	caddycmd "github.com/caddyserver/caddy/v2/cmd"
)

// about is the first paragraph of the help.
const about = `Lockbox is a support-access gateway: your support agents sign in with
your identity provider and reach a customer's tenant in your app only
while that tenant grants it, every request checked and audited. This
binary is Caddy with the Lockbox plugin built in.`

// lockboxCommands are this binary's own commands, listed first in the help.
var lockboxCommands = []string{"demo", "grant", "requests", "sessions", "audit", "link", "admins", "webhooks", "keys", "status", "version"}

// refused are Caddy commands that would replace this binary with a plain
// Caddy that has no Lockbox in it.
var refused = []string{"upgrade", "add-package", "remove-package"}

// versionShort is the help line of `lockbox version`.
const versionShort = "Prints Lockbox's version, with the Caddy it is built on"

// front handles what this binary answers itself: its version, its help,
// and refusing Caddy's self-replacing commands. done is false for
// everything else, which Caddy's command line runs.
func front(args []string, stdout, stderr io.Writer) (code int, done bool) {
	if len(args) == 0 {
		writeHelp(stdout)
		return 0, true
	}
	switch cmd := args[0]; {
	case len(args) == 1 && (cmd == "help" || cmd == "--help" || cmd == "-h"):
		writeHelp(stdout)
		return 0, true
	case cmd == "version" || cmd == "--version" || cmd == "-v":
		writeVersion(stdout)
		return 0, true
	case slices.Contains(refused, cmd):
		fmt.Fprintf(stderr, "lockbox: '%s' would replace this binary with a plain Caddy without Lockbox; "+
			"to upgrade, build or download a new lockbox (see Operating Lockbox in the README)\n", cmd)
		return 1, true
	}
	return 0, false
}

// writeVersion prints Lockbox's version from the build info, then Caddy's
// and Go's.
func writeVersion(w io.Writer) {
	caddyVersion, _ := caddy.Version()
	fmt.Fprintf(w, "Lockbox %s\nCaddy %s\nGo %s\n", lockboxVersion(), caddyVersion, runtime.Version())
}

// lockboxVersion is the module version this binary was built from (go
// install ...@v1.2.3), or the commit of a checkout build.
func lockboxVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, at string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return "(devel)"
	}
	out := "(devel) commit " + rev[:min(12, len(rev))]
	if modified {
		out += " with local changes"
	}
	if at != "" {
		out += ", " + at
	}
	return out
}

// writeHelp prints what Lockbox is, its commands, then Caddy's.
func writeHelp(w io.Writer) {
	all := caddycmd.Commands()
	fmt.Fprintf(w, "%s\n\nUsage:\n  lockbox <command> [flags]\n\nLockbox commands:\n", about)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, name := range lockboxCommands {
		short := versionShort
		if name != "version" {
			short = all[name].Short
		}
		fmt.Fprintf(tw, "  %s\t%s\n", name, short)
	}
	_ = tw.Flush()
	fmt.Fprint(w, "\nCaddy commands (https://caddyserver.com/docs/command-line):\n")
	var names []string
	for name := range all {
		if !slices.Contains(lockboxCommands, name) && !slices.Contains(refused, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Fprintf(tw, "  %s\t%s\n", name, strings.TrimSpace(all[name].Short))
	}
	_ = tw.Flush()
	fmt.Fprint(w, "\nUse \"lockbox <command> --help\" for more about a command.\n")
}
