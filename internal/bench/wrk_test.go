package main

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// wrkOutput is wrk 4.1's summary with --latency, as printed on loopback.
const wrkOutput = `Running 2s test @ http://127.0.0.1:38123/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.88ms    1.51ms  16.00ms   87.80%
    Req/Sec    46.76k     5.74k   56.26k    67.50%
  Latency Distribution
     50%  248.00us
     75%    0.86ms
     90%    2.79ms
     99%    7.34ms
  186387 requests in 2.01s, 202.99MB read
Requests/sec:  92950.25
Transfer/sec:    101.23MB
`

func TestParseWrk(t *testing.T) {
	tests := []struct {
		name string
		out  string
		want wrkResult
	}{
		{
			name: "clean run",
			out:  wrkOutput,
			want: wrkResult{Requests: 186387, Elapsed: 2010 * time.Millisecond, RPS: 92950.25, P50: 248 * time.Microsecond, P99: 7340 * time.Microsecond},
		},
		{
			name: "failed responses",
			out:  strings.Replace(wrkOutput, "Requests/sec", "  Non-2xx or 3xx responses: 12\nRequests/sec", 1),
			want: wrkResult{Requests: 186387, Elapsed: 2010 * time.Millisecond, RPS: 92950.25, P50: 248 * time.Microsecond, P99: 7340 * time.Microsecond, Non2xx: 12},
		},
		{
			name: "socket errors are summed",
			out:  strings.Replace(wrkOutput, "Requests/sec", "  Socket errors: connect 1, read 2, write 3, timeout 4\nRequests/sec", 1),
			want: wrkResult{Requests: 186387, Elapsed: 2010 * time.Millisecond, RPS: 92950.25, P50: 248 * time.Microsecond, P99: 7340 * time.Microsecond, SocketErrors: 10},
		},
		{
			name: "seconds and minutes",
			out: strings.NewReplacer("50%  248.00us", "50%    1.50s", "99%    7.34ms", "99%    2.00m", "in 2.01s", "in 1.00m").
				Replace(wrkOutput),
			want: wrkResult{Requests: 186387, Elapsed: time.Minute, RPS: 92950.25, P50: 1500 * time.Millisecond, P99: 2 * time.Minute},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseWrk(tt.out)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseWrkRefusesIncompleteOutput(t *testing.T) {
	tests := []struct {
		name string
		out  string
		want string
	}{
		{"empty", "", "no \"N requests in T\" line"},
		{"connect failure", "unable to connect to 127.0.0.1:1 Connection refused\n", "no \"N requests in T\" line"},
		{"no rate", strings.Replace(wrkOutput, "Requests/sec:  92950.25", "", 1), `no "Requests/sec:" line`},
		{"without --latency", strings.Replace(wrkOutput, "     50%  248.00us\n", "", 1), "run it with --latency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseWrk(tt.out)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
}

func TestWrkResultValid(t *testing.T) {
	tests := []struct {
		name string
		r    wrkResult
		want string // "" for valid
	}{
		{"clean", wrkResult{Requests: 10}, ""},
		{"no requests", wrkResult{}, "no requests"},
		{"failed responses", wrkResult{Requests: 10, Non2xx: 3}, "3 of 10 responses were not 2xx or 3xx"},
		{"socket errors", wrkResult{Requests: 10, SocketErrors: 2}, "2 socket errors"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.r.valid()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("valid() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("valid() = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestWrkArgs(t *testing.T) {
	l := load{threads: 2, connections: 32, duration: 10 * time.Second}
	got := wrkArgs(l, "http://127.0.0.1:1/", "Cookie: lockbox=x")
	want := []string{"--threads", "2", "--connections", "32", "--duration", "10s", "--latency", "--header", "Cookie: lockbox=x", "http://127.0.0.1:1/"}
	if !slices.Equal(got, want) {
		t.Errorf("wrkArgs = %q\nwant %q", got, want)
	}
	l.duration = 1500 * time.Millisecond
	got = wrkArgs(l, "http://127.0.0.1:1/", "")
	want = []string{"--threads", "2", "--connections", "32", "--duration", "2s", "--latency", "http://127.0.0.1:1/"}
	if !slices.Equal(got, want) {
		t.Errorf("wrkArgs without header = %q\nwant %q", got, want)
	}
}
