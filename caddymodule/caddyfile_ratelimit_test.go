package caddymodule

import (
	"strings"
	"testing"
)

func TestRateLimitCaddyfileErrors(t *testing.T) {
	tests := []struct {
		name  string
		lines string
		want  string
	}{
		{name: "no block", lines: "rate_limit", want: "rate_limit needs at least one of api_failures, login or requests"},
		{name: "empty block", lines: "rate_limit {\n\t\t}", want: "rate_limit needs at least one of"},
		{name: "argument", lines: "rate_limit 10/m", want: "rate_limit takes a block"},
		{name: "unknown word", lines: "rate_limit {\n\t\t\tlogins 10/m\n\t\t}", want: `unknown rate_limit option "logins"`},
		{name: "zero", lines: "rate_limit {\n\t\t\tapi_failures 0/m\n\t\t}", want: `rate_limit api_failures: rate "0/m" must allow a whole number of events from 1`},
		{name: "no period", lines: "rate_limit {\n\t\t\tlogin 30\n\t\t}", want: `rate_limit login: rate "30" must be <events>/<period>`},
		{name: "bad period", lines: "rate_limit {\n\t\t\trequests 5/hour\n\t\t}", want: `rate_limit requests: rate "5/hour" needs a period from 1s to 24h`},
		{name: "period too short", lines: "rate_limit {\n\t\t\trequests 5/100ms\n\t\t}", want: "needs a period from 1s to 24h"},
		{name: "two values", lines: "rate_limit {\n\t\t\tlogin 30/m 10/s\n\t\t}", want: "rate_limit login takes exactly one argument"},
		{name: "no value", lines: "rate_limit {\n\t\t\tlogin\n\t\t}", want: "rate_limit login needs a rate such as 10/m"},
		{name: "word twice", lines: "rate_limit {\n\t\t\tlogin 30/m\n\t\t\tlogin 10/m\n\t\t}", want: "rate_limit login is already set"},
		{name: "block twice", lines: "rate_limit {\n\t\t\tlogin 30/m\n\t\t}\n\t\trate_limit {\n\t\t\trequests 1/h\n\t\t}", want: "rate_limit is already set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := adapt(t, "{\n\tlockbox {\n\t\t"+tt.lines+"\n\t}\n}\n")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v; want it to contain %q", err, tt.want)
			}
		})
	}
}
