package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
)

// bench is everything one benchmark run starts; close stops it all.
type bench struct {
	dir     string
	log     io.Writer
	bin     string
	bare    *gateway
	lockbox *gateway
	// headers is bare Caddy sending the identity headers and token the
	// agent's requests carry, as header_up lines.
	headers *gateway
	// auditMode is the lockbox gateway's audit word.
	auditMode string
	// cookie is the agent's "lockbox=<session>" cookie.
	cookie string
	// upstream is the app's address.
	upstream string
	// audit follows tenant acme's audit trail.
	audit *auditTally
	// agentSent counts the agent requests that completed: the path check
	// and every agent run, warm-up included.
	agentSent int64
	// redis is the redis-server process, for its CPU time.
	redis *process
	// profileDir, when set, receives a CPU profile of each scenario's
	// gateway, taken in the first round.
	profileDir string
	closers    []func()
}

// say prints a progress line.
func (b *bench) say(format string, args ...any) {
	fmt.Fprintf(b.log, "bench: "+format+"\n", args...)
}

// onClose registers f to run at close, in reverse order.
func (b *bench) onClose(f func()) { b.closers = append(b.closers, f) }

// close stops everything started, last first.
func (b *bench) close() {
	for i := len(b.closers) - 1; i >= 0; i-- {
		b.closers[i]()
	}
	b.closers = nil
}

// setup builds lockbox, starts the upstream, redis-server, the identity
// provider and both gateways, grants tenant acme access, signs the agent
// in and checks both Lockbox paths once.
func (b *bench) setup(ctx context.Context) error {
	b.say("building lockbox")
	bin, err := goBuild(ctx, b.dir)
	if err != nil {
		return err
	}
	b.bin = bin
	redisURL, upstreamAddr, err := b.startBackends(ctx)
	if err != nil {
		return err
	}
	if err := b.startGateways(ctx, upstreamAddr, redisURL); err != nil {
		return err
	}
	b.say("granting tenant %s access and signing %s in", tenantID, agentUser)
	if _, err := b.cli(ctx, "grant", "create", "--tenant", tenantID, "--for", "1d", "--scopes", "read,write", "--note", "benchmark", "--by", "bench"); err != nil {
		return err
	}
	if b.cookie, err = agentCookie(ctx, b.lockbox.site, agentUser, tenantID); err != nil {
		return fmt.Errorf("signing the agent in: %v", err)
	}
	ids, err := checkAgentPath(ctx, b.lockbox.site, b.cookie)
	if err != nil {
		return err
	}
	if err := b.startHeaders(ctx, ids); err != nil {
		return err
	}
	b.agentSent += agentChecks
	b.audit = newAuditTally(b.lockbox.admin, tenantID)
	return checkOrdinaryPath(ctx, b.lockbox.site)
}

// startBackends starts the upstream and redis-server and returns their
// addresses.
func (b *bench) startBackends(ctx context.Context) (redisURL, upstreamAddr string, err error) {
	up, err := startUpstream()
	if err != nil {
		return "", "", err
	}
	b.onClose(up.close)
	b.say("starting redis-server")
	redisProc, redisURL, err := startRedis(ctx, b.dir)
	if err != nil {
		return "", "", err
	}
	b.onClose(redisProc.stop)
	b.redis = redisProc
	return redisURL, up.addr, nil
}

// startGateways starts the identity provider, which must know Lockbox's
// callback, then the bare and the Lockbox gateway.
func (b *bench) startGateways(ctx context.Context, upstream, redisURL string) error {
	var err error
	if b.bare, err = newGateway("bare"); err != nil {
		return err
	}
	if b.lockbox, err = newGateway("lockbox"); err != nil {
		return err
	}
	secret := rand.Text() // a fresh client secret, never shown
	idp, err := startIdP(b.lockbox.site, secret)
	if err != nil {
		return err
	}
	b.onClose(func() { _ = idp.Close() })
	b.say("starting the gateways")
	for _, g := range []*gateway{b.bare, b.lockbox} {
		b.onClose(g.stop)
	}
	if err := b.bare.start(ctx, b.bin, b.dir, isolatedEnv(filepath.Join(b.dir, "bare")), b.bare.bareCaddyfile(upstream), false); err != nil {
		return err
	}
	b.upstream = upstream
	config := b.lockbox.lockboxCaddyfile(upstream, redisURL, idp.Issuer(), secret, b.auditMode)
	return b.lockbox.start(ctx, b.bin, b.dir, b.lockboxEnv(), config, true)
}

// lockboxEnv is the environment of the Lockbox gateway and of the CLI
// commands sent to it.
func (b *bench) lockboxEnv() []string { return isolatedEnv(filepath.Join(b.dir, "lockbox")) }

// cli runs a lockbox CLI command against the Lockbox gateway.
func (b *bench) cli(ctx context.Context, args ...string) ([]byte, error) {
	return b.lockbox.lockboxCLI(ctx, b.bin, b.lockboxEnv(), args...)
}

// target is where and how a scenario sends its load.
func (b *bench) target(sc scenario) (url, header string) {
	switch sc.name {
	case bareScenario.name:
		return b.bare.site + "/", ""
	case headersScenario.name:
		return b.headers.site + "/", ""
	case agentScenario.name:
		return b.lockbox.site + "/", "Cookie: " + b.cookie
	}
	return b.lockbox.site + "/", ""
}

// measure runs a warm-up of every scenario, then the rounds, each round
// every scenario in turn (see roundOrder), and returns the measured runs
// per scenario. After each agent run it waits for the audit trail to
// catch up, so the background audit writes of one run do not slow the
// next.
func (b *bench) measure(ctx context.Context, o options) (map[string][]wrkResult, error) {
	if o.warmup > 0 {
		warm := o.load
		warm.duration = o.warmup
		for _, sc := range scenarios {
			b.say("warming up: %s (%s)", sc.name, o.warmup)
			if _, err := b.runScenario(ctx, sc, warm); err != nil {
				return nil, err
			}
		}
	}
	runs := map[string][]wrkResult{}
	for round := range o.rounds {
		for _, sc := range roundOrder(scenarios, round) {
			r, err := b.runMeasured(ctx, sc, o.load, round == 0)
			if err != nil {
				return nil, err
			}
			b.say("round %d/%d: %-20s %10s req/s", round+1, o.rounds, sc.name, formatCount(r.RPS))
			runs[sc.name] = append(runs[sc.name], r)
		}
	}
	return runs, nil
}

// server is the gateway a scenario's load goes to.
func (b *bench) server(sc scenario) *gateway {
	switch sc.name {
	case bareScenario.name:
		return b.bare
	case headersScenario.name:
		return b.headers
	}
	return b.lockbox
}

// runMeasured runs sc once and adds the CPU its gateway and redis-server
// used per request; with profiling on, the first round also saves the
// gateway's CPU profile.
func (b *bench) runMeasured(ctx context.Context, sc scenario, l load, first bool) (wrkResult, error) {
	g := b.server(sc)
	profile := make(chan error, 1)
	if b.profileDir != "" && first {
		name := strings.NewReplacer(",", "", "+ ", "", " ", "-").Replace(sc.name)
		go func() { profile <- profileCPU(ctx, g, b.profileDir, name, l.duration) }()
	} else {
		profile <- nil
	}
	url, header := b.target(sc)
	before := b.sampleCPU(g)
	r, err := runWrk(ctx, l, url, header)
	after := b.sampleCPU(g)
	if perr := <-profile; err == nil && perr != nil {
		err = perr
	}
	if err != nil {
		return r, err
	}
	r.GatewayCPU, r.RedisCPU = perRequest(before, after, r.Requests)
	if sc != agentScenario {
		return r, nil
	}
	b.agentSent += r.Requests
	return r, b.audit.settle(ctx, b.agentSent)
}

// runScenario runs wrk once for sc; after an agent run it counts the
// requests sent and waits for their audit events.
func (b *bench) runScenario(ctx context.Context, sc scenario, l load) (wrkResult, error) {
	url, header := b.target(sc)
	r, err := runWrk(ctx, l, url, header)
	if err != nil || sc != agentScenario {
		return r, err
	}
	b.agentSent += r.Requests
	return r, b.audit.settle(ctx, b.agentSent)
}

// checkAudit waits for the last audit events, then counts the agent's
// http.request events with `lockbox audit --json`.
func (b *bench) checkAudit(ctx context.Context) (auditCheck, error) {
	if err := b.audit.settle(ctx, b.agentSent); err != nil {
		return auditCheck{}, err
	}
	limit := strconv.FormatInt(b.audit.lastSeq+auditPageSize, 10)
	out, err := b.cli(ctx, "audit", "--tenant", tenantID, "--json", "--limit", limit)
	if err != nil {
		return auditCheck{}, err
	}
	n, err := countRequests(out)
	return auditCheck{Audited: n, Sent: b.agentSent}, err
}

// startHeaders starts the gateway that sends, on every request, the
// identity headers (token included) an agent request reached the app
// with.
func (b *bench) startHeaders(ctx context.Context, ids map[string]string) error {
	var err error
	if b.headers, err = newGateway("headers"); err != nil {
		return err
	}
	b.onClose(b.headers.stop)
	b.say("starting bare Caddy with the agent's identity headers")
	return b.headers.start(ctx, b.bin, b.dir, isolatedEnv(filepath.Join(b.dir, "headers")), b.headers.headersCaddyfile(b.upstream, ids), false)
}
