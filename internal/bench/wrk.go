package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// wrkSlack is how long a wrk run may take beyond its duration before it
// is stopped as hung.
const wrkSlack = 30 * time.Second

// load is how wrk drives a target.
type load struct {
	threads     int
	connections int
	duration    time.Duration
}

// wrkResult is what one wrk run measured.
type wrkResult struct {
	// Requests is how many responses wrk completed.
	Requests int64
	// Elapsed is how long the run took, as wrk reports it.
	Elapsed time.Duration
	// RPS is wrk's Requests/sec.
	RPS float64
	// P50 and P99 are latency percentiles (wrk --latency).
	P50, P99 time.Duration
	// Non2xx counts responses other than 2xx or 3xx.
	Non2xx int64
	// SocketErrors counts connect, read, write and timeout errors.
	SocketErrors int64
	// GatewayCPU and RedisCPU are the CPU time the gateway serving the
	// run and redis-server used per request.
	GatewayCPU, RedisCPU time.Duration
}

var (
	requestsLine = regexp.MustCompile(`(?m)^\s*(\d+) requests in ([0-9.]+)(us|ms|s|m|h),`)
	rpsLine      = regexp.MustCompile(`(?m)^Requests/sec:\s+([0-9.]+)\s*$`)
	p50Line      = regexp.MustCompile(`(?m)^\s*50(?:\.0+)?%\s+([0-9.]+)(us|ms|s|m|h)\s*$`)
	p99Line      = regexp.MustCompile(`(?m)^\s*99(?:\.0+)?%\s+([0-9.]+)(us|ms|s|m|h)\s*$`)
	non2xxLine   = regexp.MustCompile(`(?m)^\s*Non-2xx or 3xx responses:\s+(\d+)\s*$`)
	socketLine   = regexp.MustCompile(`(?m)^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)\s*$`)
)

// units are wrk's time units.
var units = map[string]time.Duration{
	"us": time.Microsecond,
	"ms": time.Millisecond,
	"s":  time.Second,
	"m":  time.Minute,
	"h":  time.Hour,
}

// parseWrk reads the summary wrk prints when run with --latency.
func parseWrk(out string) (wrkResult, error) {
	var r wrkResult
	m := requestsLine.FindStringSubmatch(out)
	if m == nil {
		return r, errors.New(`wrk's output has no "N requests in T" line`)
	}
	r.Requests, _ = strconv.ParseInt(m[1], 10, 64)
	r.Elapsed = wrkDuration(m[2], m[3])
	m = rpsLine.FindStringSubmatch(out)
	if m == nil {
		return r, errors.New(`wrk's output has no "Requests/sec:" line`)
	}
	r.RPS, _ = strconv.ParseFloat(m[1], 64)
	p50, p99 := p50Line.FindStringSubmatch(out), p99Line.FindStringSubmatch(out)
	if p50 == nil || p99 == nil {
		return r, errors.New("wrk's output has no latency distribution (run it with --latency)")
	}
	r.P50, r.P99 = wrkDuration(p50[1], p50[2]), wrkDuration(p99[1], p99[2])
	if m = non2xxLine.FindStringSubmatch(out); m != nil {
		r.Non2xx, _ = strconv.ParseInt(m[1], 10, 64)
	}
	if m = socketLine.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.ParseInt(s, 10, 64)
			r.SocketErrors += n
		}
	}
	return r, nil
}

// wrkDuration converts a wrk time such as "1.25" "ms"; the number
// already matched the pattern, so it parses.
func wrkDuration(num, unit string) time.Duration {
	f, _ := strconv.ParseFloat(num, 64)
	return time.Duration(math.Round(f * float64(units[unit])))
}

// valid refuses a run whose figures would not mean what they say: no
// requests, failed responses, or socket errors.
func (r wrkResult) valid() error {
	switch {
	case r.Requests == 0:
		return errors.New("wrk completed no requests")
	case r.Non2xx > 0:
		return fmt.Errorf("%d of %d responses were not 2xx or 3xx", r.Non2xx, r.Requests)
	case r.SocketErrors > 0:
		return fmt.Errorf("%d socket errors (connect, read, write or timeout)", r.SocketErrors)
	}
	return nil
}

// wrkArgs are wrk's arguments for one run; header, when set, is sent with
// every request.
func wrkArgs(l load, url, header string) []string {
	secs := max(1, int(l.duration.Round(time.Second)/time.Second))
	args := []string{
		"--threads", strconv.Itoa(l.threads),
		"--connections", strconv.Itoa(l.connections),
		"--duration", strconv.Itoa(secs) + "s",
		"--latency",
	}
	if header != "" {
		args = append(args, "--header", header)
	}
	return append(args, url)
}

// runWrk runs wrk once and returns its valid result.
func runWrk(ctx context.Context, l load, url, header string) (wrkResult, error) {
	ctx, cancel := context.WithTimeout(ctx, l.duration+wrkSlack)
	defer cancel()
	cmd := exec.CommandContext(ctx, "wrk", wrkArgs(l, url, header)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %v: %s", err, strings.TrimSpace(stderr.String()+stdout.String()))
	}
	r, err := parseWrk(stdout.String())
	if err == nil {
		err = r.valid()
	}
	if err != nil {
		return r, fmt.Errorf("wrk against %s: %v\n%s", url, err, stdout.String())
	}
	return r, nil
}
