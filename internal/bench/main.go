// Command bench measures Lockbox's throughput against Caddy's bare
// reverse_proxy with wrk, all on loopback: ordinary traffic through the
// lockbox handler and an agent's traffic in an impersonation session,
// each related to the bare proxy, with the design's targets checked. It
// builds the lockbox binary, runs its own upstream, redis-server and
// development identity provider, and stops everything when done.
//
// Run it from the module with `make bench` or `go run ./internal/bench`.
// It exits non-zero only on errors; a missed target is reported, not
// failed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// options are the command's flags.
type options struct {
	load
	warmup time.Duration
	rounds int
	// audit is the lockbox gateway's audit mode: strict or buffered.
	audit string
	// profile is a directory for CPU profiles of each scenario's
	// gateway; "" for none.
	profile string
}

func main() {
	o, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		stop()
		os.Exit(1)
	}
}

// parseFlags reads and checks the flags.
func parseFlags(args []string, errOut io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "length of each measured wrk run (whole seconds)")
	fs.DurationVar(&o.warmup, "warmup", 3*time.Second, "length of the warm-up run of each scenario before the rounds; 0 for none")
	fs.IntVar(&o.connections, "connections", 32, "open connections wrk keeps")
	fs.IntVar(&o.threads, "threads", 2, "wrk threads")
	fs.IntVar(&o.rounds, "rounds", 3, "rounds of all scenarios, interleaved; the report shows medians")
	fs.StringVar(&o.audit, "audit", "strict", "the lockbox gateway's audit mode: strict or buffered")
	fs.StringVar(&o.profile, "profile", "", "save a CPU profile of the gateway of each scenario, from the first round, in this directory")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q; see -help", fs.Arg(0))
	}
	return o, o.check()
}

// check keeps the flags within what wrk accepts and the run bounded.
func (o options) check() error {
	switch {
	case o.duration < time.Second || o.duration > 10*time.Minute:
		return fmt.Errorf("-duration %s is out of range: use 1s to 10m", o.duration)
	case o.warmup != 0 && (o.warmup < time.Second || o.warmup > time.Minute):
		return fmt.Errorf("-warmup %s is out of range: use 0 or 1s to 1m", o.warmup)
	case o.threads < 1 || o.threads > 64:
		return fmt.Errorf("-threads %d is out of range: use 1 to 64", o.threads)
	case o.connections < o.threads || o.connections > 10000:
		return fmt.Errorf("-connections %d is out of range: use -threads (%d) to 10000", o.connections, o.threads)
	case o.rounds < 1 || o.rounds > 20:
		return fmt.Errorf("-rounds %d is out of range: use 1 to 20", o.rounds)
	case o.audit != "strict" && o.audit != "buffered":
		return fmt.Errorf("-audit %q: use strict or buffered", o.audit)
	}
	return nil
}

// run sets everything up, measures, checks the audit and prints the
// report on out; progress goes to log.
func run(ctx context.Context, o options, out, log io.Writer) error {
	dir, err := os.MkdirTemp("", "lockbox-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	b := &bench{dir: dir, log: log, auditMode: o.audit, profileDir: o.profile}
	defer b.close()
	if err := b.setup(ctx); err != nil {
		return err
	}
	runs, err := b.measure(ctx, o)
	if err != nil {
		return err
	}
	b.say("counting the audit events of tenant %s", tenantID)
	check, err := b.checkAudit(ctx)
	if err != nil {
		return err
	}
	writeReport(out, o, runs, check)
	return nil
}
