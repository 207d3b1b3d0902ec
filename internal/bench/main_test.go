package main

import (
	"io"
	"strings"
	"testing"
	"time"
)

func TestParseFlags(t *testing.T) {
	o, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := options{load: load{threads: 2, connections: 32, duration: 10 * time.Second}, warmup: 3 * time.Second, rounds: 3, audit: "strict"}
	if o != want {
		t.Errorf("defaults = %+v, want %+v", o, want)
	}
	o, err = parseFlags([]string{"-duration", "5s", "-connections", "64", "-rounds", "5", "-warmup", "0", "-audit", "buffered"}, io.Discard)
	want = options{load: load{threads: 2, connections: 64, duration: 5 * time.Second}, rounds: 5, audit: "buffered"}
	if err != nil || o != want {
		t.Errorf("parseFlags = %+v, %v; want %+v", o, err, want)
	}
}

func TestParseFlagsRefuses(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"short duration", []string{"-duration", "500ms"}, "-duration 500ms is out of range"},
		{"long duration", []string{"-duration", "1h"}, "-duration 1h0m0s is out of range"},
		{"short warm-up", []string{"-warmup", "10ms"}, "-warmup 10ms is out of range"},
		{"fewer connections than threads", []string{"-connections", "1"}, "-connections 1 is out of range: use -threads (2) to 10000"},
		{"no rounds", []string{"-rounds", "0"}, "-rounds 0 is out of range"},
		{"too many rounds", []string{"-rounds", "21"}, "-rounds 21 is out of range"},
		{"no threads", []string{"-threads", "0"}, "-threads 0 is out of range"},
		{"unknown audit mode", []string{"-audit", "lax"}, `-audit "lax": use strict or buffered`},
		{"argument", []string{"now"}, `unexpected argument "now"`},
		{"unknown flag", []string{"-fast"}, "flag provided but not defined: -fast"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseFlags(tt.args, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("parseFlags(%q) = %v, want %q", tt.args, err, tt.want)
			}
		})
	}
}
