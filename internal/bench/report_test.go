package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func rps(values ...float64) []wrkResult {
	rs := make([]wrkResult, len(values))
	for i, v := range values {
		rs[i] = wrkResult{RPS: v, P50: time.Duration(v) * time.Microsecond, P99: time.Duration(v) * time.Millisecond}
	}
	return rs
}

func TestMedian(t *testing.T) {
	tests := []struct {
		name string
		in   []float64
		want float64
	}{
		{"none", nil, 0},
		{"one", []float64{7}, 7},
		{"odd count, unsorted", []float64{30, 10, 20}, 20},
		{"even count takes the mean of the middle two", []float64{40, 10, 30, 20}, 25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := median(rps(tt.in...), func(r wrkResult) float64 { return r.RPS }); got != tt.want {
				t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	runs := map[string][]wrkResult{
		bareScenario.name:     rps(1000, 2000, 1000),
		headersScenario.name:  rps(900, 1800, 900),
		ordinaryScenario.name: rps(990, 2000, 980),
		agentScenario.name:    rps(850, 1800, 800),
	}
	sums := summarize(scenarios, runs)
	tests := []struct {
		name     string
		rps      float64
		p50, p99 time.Duration
		ratio    float64
		met      bool
	}{
		{bareScenario.name, 1000, 1000 * time.Microsecond, 1000 * time.Millisecond, 1, true},
		{headersScenario.name, 900, 900 * time.Microsecond, 900 * time.Millisecond, 0.9, true},
		{ordinaryScenario.name, 990, 990 * time.Microsecond, 990 * time.Millisecond, 0.99, true},
		// 850/900 = 0.944 of the headers scenario, p99 850ms under its 900ms.
		{agentScenario.name, 850, 850 * time.Microsecond, 850 * time.Millisecond, 0.85, true},
	}
	for i, tt := range tests {
		s := sums[i]
		if s.name != tt.name || s.RPS != tt.rps || s.P50 != tt.p50 || s.P99 != tt.p99 || s.Ratio != tt.ratio || s.met() != tt.met {
			t.Errorf("row %d = %+v (met %v)\nwant %+v", i, s, s.met(), tt)
		}
	}
}

// A machine that slows down between rounds must not make a scenario look
// slower than bare: rates are compared within each round.
func TestRatioIsPairedByRound(t *testing.T) {
	bare := rps(2000, 1000, 1000)
	ordinary := rps(1980, 990, 990)
	if got := medianRatio(ordinary, bare); got != 0.99 {
		t.Errorf("medianRatio = %v, want 0.99", got)
	}
}

func TestRoundOrder(t *testing.T) {
	var got []string
	for round := range 4 {
		var names []string
		for _, sc := range roundOrder(scenarios, round) {
			names = append(names, sc.name)
		}
		got = append(got, strings.Join(names, ","))
	}
	want := []string{
		"bare reverse_proxy,bare + identity headers,lockbox, ordinary,lockbox, agent",
		"bare + identity headers,lockbox, ordinary,lockbox, agent,bare reverse_proxy",
		"lockbox, ordinary,lockbox, agent,bare reverse_proxy,bare + identity headers",
		"lockbox, agent,bare reverse_proxy,bare + identity headers,lockbox, ordinary",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("orders:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestSummarizeWithoutBaseline(t *testing.T) {
	sums := summarize(scenarios, map[string][]wrkResult{agentScenario.name: rps(500)})
	if sums[3].RPS != 500 || sums[3].Ratio != 0 || sums[3].BaseRatio != 0 {
		t.Errorf("agent row without a baseline = %+v, want its rate and no ratio", sums[3])
	}
}

func TestWriteSummary(t *testing.T) {
	var out bytes.Buffer
	writeSummary(&out, summarize(scenarios, map[string][]wrkResult{
		bareScenario.name:     rps(20000),
		headersScenario.name:  rps(17500),
		ordinaryScenario.name: rps(19800),
		agentScenario.name:    rps(17000),
	}))
	for _, want := range []string{
		"scenario", "req/s", "p50", "p99", "vs bare",
		"bare reverse_proxy", "20,000", "1.000",
		"lockbox, ordinary", "19,800", "0.990",
		"lockbox, agent", "17,000", "0.850",
		"ordinary traffic within 2% of bare (>= 0.98 x bare): 0.990 x bare, met",
		"agent traffic within 7% of bare + identity headers, p99 within 3ms of it (>= 0.93 x bare + identity headers): 0.971 x bare + identity headers, p99 17000.00ms vs 17500.00ms, met",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}

func TestFormatCount(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"}, {999.4, "999"}, {1000, "1,000"}, {92950.25, "92,950"}, {1234567, "1,234,567"},
	}
	for _, tt := range tests {
		if got := formatCount(tt.in); got != tt.want {
			t.Errorf("formatCount(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatLatency(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{248 * time.Microsecond, "248µs"},
		{time.Millisecond, "1.00ms"},
		{7340 * time.Microsecond, "7.34ms"},
		{1500 * time.Millisecond, "1500.00ms"},
	}
	for _, tt := range tests {
		if got := formatLatency(tt.in); got != tt.want {
			t.Errorf("formatLatency(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
