package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// scenario is one kind of traffic measured.
type scenario struct {
	name string
	// target is the least ratio to the base scenario's rate that meets
	// the scenario's target; 0 for none.
	target float64
	// base names the scenario the target compares with: "" for the
	// first (bare).
	base string
	// p99Slack, when set, is how far above the base's p99 the
	// scenario's p99 may be.
	p99Slack   time.Duration
	targetText string
}

// The scenarios, in the order each round runs them. The physical limit of
// an agent request is not bare Caddy but Caddy sending the same identity
// headers and token: the app has to receive those bytes.
var (
	bareScenario     = scenario{name: "bare reverse_proxy"}
	headersScenario  = scenario{name: "bare + identity headers"}
	ordinaryScenario = scenario{name: "lockbox, ordinary", target: 0.98, targetText: "ordinary traffic within 2% of bare"}
	agentScenario    = scenario{name: "lockbox, agent", target: 0.93, base: headersScenario.name, p99Slack: 3 * time.Millisecond,
		targetText: "agent traffic within 7% of bare + identity headers, p99 within 3ms of it"}
	scenarios = []scenario{bareScenario, headersScenario, ordinaryScenario, agentScenario}
)

// summary is a scenario's medians over the rounds.
type summary struct {
	scenario
	RPS      float64
	P50, P99 time.Duration
	// BaseRatio and BaseP99 are the ratio to the base scenario, and its
	// p99, for scenarios with one.
	BaseRatio float64
	BaseP99   time.Duration
	// Ratio is RPS over the baseline's median RPS.
	Ratio float64
}

// met reports whether the scenario reached its target.
func (s summary) met() bool {
	if s.base == "" {
		return s.Ratio >= s.target
	}
	return s.BaseRatio >= s.target && (s.p99Slack == 0 || s.P99 <= s.BaseP99+s.p99Slack)
}

// summarize takes the median of each figure per scenario. Its ratio to
// the baseline, the first scenario, is the median of the per-round
// ratios: runs of one round are close in time, so drift in the machine's
// speed cancels out.
func summarize(scs []scenario, runs map[string][]wrkResult) []summary {
	out := make([]summary, 0, len(scs))
	for _, sc := range scs {
		rs := runs[sc.name]
		out = append(out, summary{
			scenario: sc,
			RPS:      median(rs, func(r wrkResult) float64 { return r.RPS }),
			P50:      time.Duration(median(rs, func(r wrkResult) float64 { return float64(r.P50) })),
			P99:      time.Duration(median(rs, func(r wrkResult) float64 { return float64(r.P99) })),
			Ratio:    medianRatio(rs, runs[scs[0].name]),
		})
		if sc.base != "" {
			out[len(out)-1].BaseRatio = medianRatio(rs, runs[sc.base])
			out[len(out)-1].BaseP99 = time.Duration(median(runs[sc.base], func(r wrkResult) float64 { return float64(r.P99) }))
		}
	}
	return out
}

// medianRatio is the median over rounds of rs's rate over base's rate in
// the same round; 0 without a baseline.
func medianRatio(rs, base []wrkResult) float64 {
	var ratios []wrkResult
	for i := range min(len(rs), len(base)) {
		if base[i].RPS > 0 {
			ratios = append(ratios, wrkResult{RPS: rs[i].RPS / base[i].RPS})
		}
	}
	return median(ratios, func(r wrkResult) float64 { return r.RPS })
}

// roundOrder is the order of the scenarios in round (from 0): each round
// starts one further along, so no scenario always runs first or right
// after another.
func roundOrder(scs []scenario, round int) []scenario {
	k := round % len(scs)
	return append(slices.Clone(scs[k:]), scs[:k]...)
}

// median returns the median of f over rs (the mean of the middle two for
// an even count), 0 for none.
func median(rs []wrkResult, f func(wrkResult) float64) float64 {
	if len(rs) == 0 {
		return 0
	}
	xs := make([]float64, len(rs))
	for i, r := range rs {
		xs[i] = f(r)
	}
	slices.Sort(xs)
	mid := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[mid]
	}
	return (xs[mid-1] + xs[mid]) / 2
}

// writeRuns prints every measured run, so the spread behind the medians
// shows.
func writeRuns(w io.Writer, scs []scenario, runs map[string][]wrkResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tround\treq/s\tp50\tp99\tgateway CPU/req\tredis CPU/req\t")
	for _, sc := range scs {
		for i, r := range runs[sc.name] {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t\n", sc.name, i+1, formatCount(r.RPS), formatLatency(r.P50), formatLatency(r.P99),
				formatCPU(r.GatewayCPU), formatCPU(r.RedisCPU))
		}
	}
	_ = tw.Flush()
}

// writeSummary prints the medians table and the targets.
func writeSummary(w io.Writer, sums []summary) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\treq/s\tp50\tp99\tvs bare\t")
	for _, s := range sums {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.3f\t\n", s.name, formatCount(s.RPS), formatLatency(s.P50), formatLatency(s.P99), s.Ratio)
	}
	_ = tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Targets:")
	for _, s := range sums {
		if s.target == 0 {
			continue
		}
		verdict := "met"
		if !s.met() {
			verdict = "NOT met"
		}
		if s.base == "" {
			fmt.Fprintf(w, "  %s (>= %.2f x bare): %.3f x bare, %s\n", s.targetText, s.target, s.Ratio, verdict)
			continue
		}
		fmt.Fprintf(w, "  %s (>= %.2f x %s): %.3f x %s, p99 %s vs %s, %s\n",
			s.targetText, s.target, s.base, s.BaseRatio, s.base, formatLatency(s.P99), formatLatency(s.BaseP99), verdict)
	}
}

// formatCount prints a count or rate rounded to a whole number, with
// thousands separators.
func formatCount(rps float64) string {
	s := fmt.Sprintf("%.0f", rps)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// formatCPU prints CPU time per request in µs, one decimal.
func formatCPU(d time.Duration) string {
	return fmt.Sprintf("%.1fµs", float64(d)/float64(time.Microsecond))
}

// formatLatency prints a latency in µs below a millisecond, else in ms.
func formatLatency(d time.Duration) string {
	if d < time.Millisecond {
		return fmt.Sprintf("%dµs", d.Microseconds())
	}
	return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
}

// writeReport prints what was measured, the medians, the targets and the
// audit check.
func writeReport(w io.Writer, o options, runs map[string][]wrkResult, check auditCheck) {
	fmt.Fprintf(w, "\nLockbox throughput on loopback (audit %s): wrk --threads %d --connections %d --duration %s --latency, %d CPUs.\n",
		o.audit, o.threads, o.connections, o.duration, runtime.NumCPU())
	warm := "without warm-up"
	if o.warmup > 0 {
		warm = fmt.Sprintf("after a %s warm-up of each", o.warmup)
	}
	fmt.Fprintf(w, "%d rounds, scenarios interleaved in rotating order, %s; upstream answers %d bytes.\n", o.rounds, warm, bodySize)
	fmt.Fprintln(w, "Rates and latencies are medians over the rounds; \"vs bare\" is the median of the per-round ratios.")
	fmt.Fprintln(w, "CPU/req is the CPU time (user and system) the gateway serving the run, and redis-server, used per completed request.")
	fmt.Fprintln(w)
	writeRuns(w, scenarios, runs)
	fmt.Fprintln(w, "\nMedians:")
	writeSummary(w, summarize(scenarios, runs))
	check.write(w)
}
